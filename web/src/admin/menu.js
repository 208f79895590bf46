// The side menu: the console's pages and the roles that see each of them. The server
// scopes every list to the caller's county or store; this only decides what is offered.
import {
  AlarmClock,
  Avatar,
  Discount,
  Document,
  House,
  List,
  RefreshLeft,
  Shop,
  ShoppingCart,
  Tickets,
  TrendCharts,
  User,
  Van,
  Wallet,
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
]

export function menuPagesFor(role) {
  return kMenuPages.filter((page) => page.roles.includes(role))
}

export function mayOpen(pageName, role) {
  const page = kMenuPages.find((candidate) => candidate.name === pageName)
  return page !== undefined && page.roles.includes(role)
}
