/**
 * The core's one door to rxjs. A bundler such as esbuild writes one `import ... from "rxjs"`
 * statement, with its own local names, for each module that imports rxjs (it is external):
 * importing it here once, and from here everywhere in the core, makes that one statement and
 * one set of names in an app's bundle (tens of bytes of the core's min+gzip size).
 * Modules the operators share (read-blobs.ts) import rxjs themselves: an operator bundled
 * alone would otherwise import every name listed here.
 */
export { BehaviorSubject, Observable, Subject, distinctUntilChanged, map } from "rxjs";
export type { OperatorFunction, Subscription } from "rxjs";
