/** URLs for people: never with the user name, password, query or fragment an inventory URL may carry. */

/** The URL without user:password@ (an inventory URL could carry them), query and fragment. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<invalid URL>';
  }
}
