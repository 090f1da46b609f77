/** Lets `require` load `.ts` (SWC, cached on disk); does nothing when the host already can. */
export declare function registerTypeScript(): void;
/** A TypeScript file's source compiled to CommonJS by SWC, cached on disk by content; throws a one-line SyntaxError. */
export declare function compile(source: string, filename: string): string;
/** An SWC parse error as one line: the message and its line number. */
export declare function describeSwcError(error: unknown): string;
