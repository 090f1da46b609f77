/** Lets `require` load `.ts` (SWC, cached on disk); does nothing when the host already can. */
export declare function registerTypeScript(): void;
