// Where a server validation error goes in a form. The server names the request field at
// fault (`head_name`, `skus[1].price_fen`, `members.name`); form items are addressed by
// their `prop` (`skus.1.price_fen`). An error on a part the form shows as one item
// (`members.name` when the members list is one item) goes to the nearest enclosing item.
export function formPropFor(serverField, props) {
  let candidate = (serverField || '').replace(/\[(\d+)\]/g, '.$1')
  while (candidate) {
    if (props.includes(candidate)) return candidate
    const cut = candidate.lastIndexOf('.')
    candidate = cut < 0 ? '' : candidate.slice(0, cut)
  }
  return ''
}
