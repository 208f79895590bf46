// The side menu: the console's pages and the roles that see each of them. The server
// scopes every list to the caller's county or store; this only decides what is offered.
import {
  AlarmClock,
  Avatar,
  Collection,
  Connection,
  Discount,
  Document,
  House,
  Box,
  Calendar,
  DataAnalysis,
  Guide,
  List,
  MapLocation,
  Position,
  RefreshLeft,
  Shop,
  ShoppingCart,
  Tickets,
  TrendCharts,
  User,
  Van,
  Wallet,
  Warning,
} from '@element-plus/icons-vue'

const kAdmins = ['county_admin', 'city_admin', 'auditor']

export const kMenuPages = [
  { name: 'households', label: 'admin.menu.households', icon: House, roles: ['store_keeper', ...kAdmins] },
  { name: 'producers', label: 'admin.menu.producers', icon: User, roles: ['store_keeper', 'supplier', ...kAdmins] },
  { name: 'stores', label: 'admin.menu.stores', icon: Shop, roles: ['store_keeper', ...kAdmins] },
  { name: 'products', label: 'admin.menu.products', icon: List, roles: ['store_keeper', 'supplier', ...kAdmins] },
  { name: 'review', label: 'admin.menu.review', icon: Tickets, roles: ['store_keeper', 'county_admin'] },
  {
    name: 'orders',
    label: 'admin.menu.orders',
    icon: ShoppingCart,
    roles: ['store_keeper', 'courier', 'county_admin', 'city_admin', 'auditor'],
  },
  // The refund queue (src/orders/after_sales.cpp): the store's, the county's, the city's.
  {
    name: 'after-sales',
    label: 'admin.menu.afterSales',
    icon: RefreshLeft,
    roles: ['store_keeper', 'county_admin', 'city_admin', 'auditor'],
  },
  // A store's freight template and its sale events: its keeper's, or the county's for a store.
  { name: 'freight', label: 'admin.menu.freight', icon: Van, roles: ['store_keeper', 'county_admin'] },
  { name: 'sale-events', label: 'admin.menu.saleEvents', icon: AlarmClock, roles: ['store_keeper', 'county_admin'] },
  // The payout ledger (src/orders/ledger.cpp): each role sees its own part of it.
  { name: 'statement', label: 'admin.menu.statement', icon: Wallet, roles: ['store_keeper', 'supplier', ...kAdmins] },
  { name: 'turnover', label: 'admin.menu.turnover', icon: TrendCharts, roles: ['store_keeper', ...kAdmins] },
  { name: 'commission', label: 'admin.menu.commission', icon: Discount, roles: ['county_admin', 'city_admin'] },
  { name: 'users', label: 'admin.menu.users', icon: Avatar, roles: ['county_admin', 'city_admin'] },
  { name: 'audit-log', label: 'admin.menu.auditLog', icon: Document, roles: kAdmins },
  // 配送 (src/delivery): the county's logistics network, fleet, tasks and dispatch waves, for
  // the offices that change them, and dispatch for a courier who manages a park or station
  // (站长; the page offers only the nodes they manage); what arrives at a point today, for
  // its village agent (the store keeper) and the county; the county's figures, for the
  // offices that report them. Pages with a `group` are shown together under its label.
  ...[
    { name: 'logistics-nodes', label: 'admin.menu.logisticsNodes', icon: MapLocation },
    { name: 'vehicles', label: 'admin.menu.vehicles', icon: Van },
    { name: 'delivery-tasks', label: 'admin.menu.deliveryTasks', icon: Box },
    { name: 'dispatch', label: 'admin.menu.dispatch', icon: Guide, roles: ['county_admin', 'city_admin', 'courier'] },
  ].map((page) => ({ roles: ['county_admin', 'city_admin'], ...page, group: 'delivery' })),
  {
    name: 'arrivals',
    label: 'admin.menu.arrivals',
    icon: Calendar,
    group: 'delivery',
    roles: ['store_keeper', 'county_admin'],
  },
  {
    name: 'delivery-figures',
    label: 'admin.menu.deliveryFigures',
    icon: DataAnalysis,
    group: 'delivery',
    roles: kAdmins,
  },
  // 追溯 (src/trace): lots with their history, labels and recall, for the suppliers and
  // store keepers who record them and for the offices; the alerts (codes that look copied,
  // cold-chain legs out of range) for the offices.
  {
    name: 'lots',
    label: 'admin.menu.lots',
    icon: Collection,
    group: 'trace',
    roles: ['store_keeper', 'supplier', ...kAdmins],
  },
  { name: 'trace-alerts', label: 'admin.menu.traceAlerts', icon: Warning, group: 'trace', roles: kAdmins },
]

// The labels of the menu's groups, by name.
export const kMenuGroups = {
  delivery: { label: 'admin.menu.delivery', icon: Position },
  trace: { label: 'admin.menu.trace', icon: Connection },
}

// The menu as shown: pages without a group as they come, and each group once, where its
// first page would be, holding its pages.
export function menuEntriesFor(role) {
  const entries = []
  for (const page of menuPagesFor(role)) {
    if (!page.group) {
      entries.push(page)
      continue
    }
    let group = entries.find((entry) => entry.pages && entry.name === page.group)
    if (!group) entries.push((group = { name: page.group, ...kMenuGroups[page.group], pages: [] }))
    group.pages.push(page)
  }
  return entries
}

export function menuPagesFor(role) {
  return kMenuPages.filter((page) => page.roles.includes(role))
}

export function mayOpen(pageName, role) {
  const page = kMenuPages.find((candidate) => candidate.name === pageName)
  return page !== undefined && page.roles.includes(role)
}
