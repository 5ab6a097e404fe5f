// sendTo()'s queue (operators/send-queue.ts) against a plain array as the model: any mix of
// pushes, takes, compactions, replacements and clears keeps the same values in the same
// order, across the batch size where taken slots are freed while values still wait.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SendQueue } from "../../operators/send-queue.js";

type Step =
  | { op: "push"; count: number }
  | { op: "take"; count: number }
  | { op: "compact" }
  | { op: "replaceNext" }
  | { op: "clear" };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("push" as const), count: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1000, max: 1500 })) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("take" as const), count: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1000, max: 1500 })) }) },
  { weight: 3, arbitrary: fc.constant({ op: "compact" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "replaceNext" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "clear" as const }) },
);

describe("SendQueue", () => {
  it("keeps what a plain array keeps, in order, whatever the mix of operations (property)", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const queue = new SendQueue<number>();
        const model: number[] = [];
        let counter = 0;
        for (const s of steps) {
          if (s.op === "push") {
            for (let i = 0; i < s.count; i++) {
              queue.push(counter);
              model.push(counter++);
            }
          } else if (s.op === "take") {
            for (let i = 0; i < s.count && model.length > 0; i++) {
              expect(queue.next()).toBe(model.shift());
              queue.take();
            }
          } else if (s.op === "compact") queue.compact();
          else if (s.op === "clear") {
            queue.clear();
            model.length = 0;
          } else if (model.length > 0) {
            queue.replaceNext(-counter);
            model[0] = -counter++;
          }
          expect(queue.length).toBe(model.length);
          expect(queue.next()).toBe(model[0]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives nothing next once emptied and compacted, then starts again at the first value pushed", () => {
    const queue = new SendQueue<string>();
    queue.push("a");
    queue.take();
    queue.compact();
    expect(queue.length).toBe(0);
    expect(queue.next()).toBeUndefined();
    queue.push("b");
    queue.push("c");
    expect(queue.next()).toBe("b");
    queue.take();
    expect(queue.next()).toBe("c");
    expect(queue.length).toBe(1);
  });
});
