/** Lets `require` load `.ts` (SWC, cached on disk); does nothing when the host already can. */
export declare function registerTypeScript(): void;
/** `require(filename)`, a listed `.ts` file compiled and run without require's lookups once the hook is registered. */
export declare function requireFile(filename: string): unknown;
/** A TypeScript file's source compiled to CommonJS by SWC, cached on disk by content; throws a one-line SyntaxError. */
export declare function compile(source: string, filename: string): string;
/** An SWC parse error as one line: the message and its line number. */
export declare function describeSwcError(error: unknown): string;
