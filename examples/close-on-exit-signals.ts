/**
 * Graceful shutdown for the example command-line programs: on Ctrl-C or SIGTERM, close
 * what was started and exit 0, or exit 1 if closing failed.
 */

/**
 * Closes `running` when the process is asked to stop (SIGINT or SIGTERM), then exits.
 *
 * @example
 * ```ts
 * const server = await startSignalingServer({ port: 8080 });
 * closeOnExitSignals(server);
 * ```
 */
export function closeOnExitSignals(running: { close(): Promise<void> }): void {
  const stop = (): void => {
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
