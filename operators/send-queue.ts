/**
 * The values `sendTo` holds until the channel takes them: a FIFO whose next value is an
 * index, so taking one is O(1) however long the queue (`chunk()` of one large message
 * pushes thousands of frames in one go), and whose taken slots are freed in batches.
 */

/** Taken slots at the front past which the array is shortened while values still wait. */
const COMPACT_AFTER = 1024;

/**
 * A first-in first-out queue for the send path.
 *
 * @example
 * ```ts
 * const queue = new SendQueue<string>();
 * queue.push("a");
 * queue.next(); // "a"
 * queue.take();
 * queue.length; // 0
 * ```
 */
export class SendQueue<T> {
  readonly #items: (T | undefined)[] = [];
  #head = 0;
  /** Where the next value goes: slots from here on are free (an emptied queue keeps its array). */
  #tail = 0;

  /** How many values wait. */
  get length(): number {
    return this.#tail - this.#head;
  }

  push(value: T): void {
    this.#items[this.#tail++] = value;
  }

  /** The value to send next, undefined when none waits (slots from the tail on hold nothing). */
  next(): T | undefined {
    return this.#items[this.#head];
  }

  /** Puts `value` in place of the next one (a Blob once read, in its turn). */
  replaceNext(value: T): void {
    this.#items[this.#head] = value;
  }

  /** Removes the next value, letting go of it at once (a frame can be large). */
  take(): void {
    this.#items[this.#head++] = undefined;
  }

  /**
   * Frees the slots of values already taken: all at once when none waits, else in batches.
   * An emptied queue of a few slots starts again at its front (taken slots hold nothing), so
   * a lone message's path does not shorten an array each time: a runtime call on V8.
   */
  compact(): void {
    if (this.#head === this.#tail) {
      if (this.#tail > COMPACT_AFTER) this.clear();
      else this.#head = this.#tail = 0;
    } else if (this.#head > COMPACT_AFTER) {
      this.#items.splice(0, this.#head);
      this.#tail -= this.#head;
      this.#head = 0;
    }
  }

  /** Drops every value. */
  clear(): void {
    this.#items.length = 0;
    this.#head = this.#tail = 0;
  }
}
