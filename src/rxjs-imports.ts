/**
 * The core's one door to rxjs. A bundler such as esbuild writes one `import ... from "rxjs"`
 * statement, with its own local names, for each module that imports rxjs (it is external):
 * importing it here once, and from here everywhere in the core, makes that one statement and
 * one set of names in an app's bundle (tens of bytes of the core's min+gzip size).
 * Modules the operators share (read-blobs.ts, errors.ts, ...) import no rxjs at all: an
 * operator bundled alone would otherwise import every name listed here, and an import of
 * their own would be a second statement in the core's bundle. Each name costs the core
 * bytes of its own (a binding, and the code that uses it): where a timer or a promise
 * does the job (ice-recovery.ts, liveness.ts, the data channel's send queue), it is used.
 */
export { BehaviorSubject, Observable, Subject, distinctUntilChanged, map } from "rxjs";
export type { OperatorFunction, Subscription } from "rxjs";
