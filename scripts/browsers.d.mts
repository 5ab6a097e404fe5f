export interface BrowserBinary {
  path: string;
  source: string;
}
export function findChromium(): Promise<BrowserBinary>;
export function findFirefox(): BrowserBinary | undefined;
