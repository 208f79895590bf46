// Where to go after signing in: the `redirect` query when it is a path of this site,
// `fallback` otherwise (no other origins, no protocol-relative `//host`, no `/\host`).
export function localPath(redirect, fallback = '/') {
  if (typeof redirect !== 'string' || !redirect.startsWith('/')) return fallback
  if (redirect.startsWith('//') || redirect.startsWith('/\\')) return fallback
  return redirect
}
