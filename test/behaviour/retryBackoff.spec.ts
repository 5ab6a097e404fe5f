// retryBackoff(): delays, cap, jitter bounds, reset and unsubscription, in virtual time.
import { expect } from "chai";
import fc from "fast-check";
import { defer, take, throwError } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { retryBackoff } from "../../operators/index.js";
import { backoffDelay } from "../../operators/retryBackoff.js";

const newScheduler = (): TestScheduler => new TestScheduler((actual, expected) => {
    expect(actual).to.deep.equal(expected);
  });

describe("retryBackoff", () => {
  it("doubles the delay on each retry and lets the error through after maxRetries", () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-#");
      expectObservable(source.pipe(retryBackoff({ initialDelay: 10, maxDelay: 1000, maxRetries: 3 }))).toBe("74ms #");
      // Errors at 1, 12, 33; retries after 10, 20, 40.
      expectSubscriptions(source.subscriptions).toBe(["^!", "11ms ^!", "32ms ^!", "73ms ^!"]);
    });
  });

  it("caps every delay at maxDelay", () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-#");
      expectObservable(source.pipe(retryBackoff({ initialDelay: 10, maxDelay: 25, maxRetries: 4 }))).toBe("85ms #");
      expectSubscriptions(source.subscriptions).toBe(["^!", "11ms ^!", "32ms ^!", "58ms ^!", "84ms ^!"]);
    });
  });

  it("passes values and completion through, and the first error when maxRetries is 0", () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold("a-b|").pipe(retryBackoff())).toBe("a-b|");
      expectObservable(cold("a-#").pipe(retryBackoff({ maxRetries: 0 }))).toBe("a-#");
    });
  });

  it("shortens each delay by jitter * random(): 0.5 * 0.5 makes 40, 80, 160 into 30, 60, 120", () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-#");
      expectObservable(source.pipe(retryBackoff({ initialDelay: 40, maxRetries: 3, jitter: 0.5, random: () => 0.5 }))).toBe("214ms #");
      expectSubscriptions(source.subscriptions).toBe(["^!", "31ms ^!", "92ms ^!", "213ms ^!"]);
    });
  });

  it("keeps jittered delays within [(1 - jitter) * d, d] of the capped delay d (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 8 }),
        (initialDelay, maxDelay, jitter, randoms) => {
          const scheduler = newScheduler();
          scheduler.run(() => {
            const times: number[] = [];
            let draw = 0;
            const random = (): number => randoms[draw++ % randoms.length] ?? 0;
            const source = defer(() => {
              times.push(scheduler.now());
              return throwError(() => new Error("down"));
            });
            source.pipe(retryBackoff({ initialDelay, maxDelay, jitter, random, maxRetries: randoms.length })).subscribe({ error: () => undefined });
            scheduler.flush();
            expect(times.length).to.equal(randoms.length + 1);
            for (let n = 1; n < times.length; n++) {
              const capped = Math.min(maxDelay, initialDelay * 2 ** (n - 1));
              const waited = (times[n] ?? 0) - (times[n - 1] ?? 0);
              expect(waited).to.be.at.most(capped + 1e-6).and.at.least((1 - jitter) * capped - 1e-6);
              expect(waited).to.be.at.most(maxDelay + 1e-6);
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("bounds backoffDelay even when random() misbehaves", () => {
    expect(backoffDelay(1, 100, 1000, 0.5, () => 7)).to.equal(50);
    expect(backoffDelay(1, 100, 1000, 0.5, () => -3)).to.equal(100);
    expect(backoffDelay(30, 100, 1000, 0, Math.random)).to.equal(1000);
  });

  it("starts again from initialDelay after a value when resetOnSuccess is set", () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold("a#").pipe(retryBackoff({ initialDelay: 10, resetOnSuccess: true }), take(4))).toBe("a 10ms a 10ms a 10ms (a|)");
    });
  });

  it("keeps growing the delay after values when resetOnSuccess is not set", () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold("a#").pipe(retryBackoff({ initialDelay: 10 }), take(4))).toBe("a 10ms a 20ms a 40ms (a|)");
    });
  });

  it("stops retrying when unsubscribed during a delay", () => {
    newScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold("-#");
      expectObservable(source.pipe(retryBackoff({ initialDelay: 10 })), "^ 5ms !").toBe("");
      expectSubscriptions(source.subscriptions).toBe(["^!"]);
    });
  });

  it("refuses nonsense options", () => {
    expect(() => retryBackoff({ jitter: 2 })).to.throw(RangeError);
    expect(() => retryBackoff({ initialDelay: -1 })).to.throw(RangeError);
    expect(() => retryBackoff({ maxRetries: Number.NaN })).to.throw(RangeError);
  });
});
