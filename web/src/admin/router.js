import { createRouter, createWebHistory } from 'vue-router'
import { useSessionStore } from '../session.js'
import { mayOpen, menuPagesFor } from './menu.js'
import AdminLayout from './pages/AdminLayout.vue'
import LoginPage from './pages/LoginPage.vue'

// meta.page names the menu entry a route belongs to (see menu.js for who may open it);
// meta.roles narrows a route to some of the roles of its menu entry.
export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes: [
    { path: '/login', name: 'login', component: LoginPage },
    {
      path: '/',
      name: 'home',
      component: AdminLayout,
      children: [
        {
          path: 'households',
          name: 'households',
          component: () => import('./pages/HouseholdsPage.vue'),
          meta: { page: 'households' },
        },
        {
          path: 'households/:id',
          name: 'household',
          component: () => import('./pages/HouseholdDetailPage.vue'),
          meta: { page: 'households' },
        },
        {
          path: 'producers',
          name: 'producers',
          component: () => import('./pages/ProducersPage.vue'),
          meta: { page: 'producers' },
        },
        { path: 'stores', name: 'stores', component: () => import('./pages/StoresPage.vue'), meta: { page: 'stores' } },
        {
          path: 'stores/:id',
          name: 'store',
          component: () => import('./pages/StoreDetailPage.vue'),
          meta: { page: 'stores' },
        },
        {
          path: 'products',
          name: 'products',
          component: () => import('./pages/ProductsPage.vue'),
          meta: { page: 'products' },
        },
        {
          path: 'products/new',
          name: 'product-new',
          component: () => import('./pages/NewProductPage.vue'),
          meta: { page: 'products', roles: ['supplier'] },
        },
        {
          path: 'products/:id',
          name: 'product',
          component: () => import('./pages/ProductDetailPage.vue'),
          meta: { page: 'products' },
        },
        {
          path: 'review',
          name: 'review',
          component: () => import('./pages/ListingReviewPage.vue'),
          meta: { page: 'review' },
        },
        {
          path: 'orders',
          name: 'orders',
          component: () => import('./pages/OrdersPage.vue'),
          meta: { page: 'orders' },
        },
        // 拣货单: the paid orders to pick and pack, printable.
        {
          path: 'orders/packing',
          name: 'packing',
          component: () => import('./pages/PackingListPage.vue'),
          meta: { page: 'orders', roles: ['store_keeper', 'county_admin'] },
        },
        {
          path: 'orders/:id',
          name: 'order',
          component: () => import('./pages/OrderDetailPage.vue'),
          meta: { page: 'orders' },
        },
        {
          path: 'after-sales',
          name: 'after-sales',
          component: () => import('./pages/AfterSalesPage.vue'),
          meta: { page: 'after-sales' },
        },
        {
          path: 'freight',
          name: 'freight',
          component: () => import('./pages/FreightPage.vue'),
          meta: { page: 'freight' },
        },
        {
          path: 'sale-events',
          name: 'sale-events',
          component: () => import('./pages/SaleEventsPage.vue'),
          meta: { page: 'sale-events' },
        },
        {
          path: 'statement',
          name: 'statement',
          component: () => import('./pages/StatementPage.vue'),
          meta: { page: 'statement' },
        },
        {
          path: 'turnover',
          name: 'turnover',
          component: () => import('./pages/TurnoverPage.vue'),
          meta: { page: 'turnover' },
        },
        {
          path: 'commission',
          name: 'commission',
          component: () => import('./pages/CommissionPage.vue'),
          meta: { page: 'commission' },
        },
        { path: 'users', name: 'users', component: () => import('./pages/UsersPage.vue'), meta: { page: 'users' } },
        // 配送: the county's logistics network, fleet, delivery tasks and dispatch waves, a
        // point's arrivals and the county's figures.
        {
          path: 'logistics-nodes',
          name: 'logistics-nodes',
          component: () => import('./pages/LogisticsNodesPage.vue'),
          meta: { page: 'logistics-nodes' },
        },
        {
          path: 'vehicles',
          name: 'vehicles',
          component: () => import('./pages/VehiclesPage.vue'),
          meta: { page: 'vehicles' },
        },
        {
          path: 'delivery-tasks',
          name: 'delivery-tasks',
          component: () => import('./pages/DeliveryTasksPage.vue'),
          meta: { page: 'delivery-tasks' },
        },
        {
          path: 'dispatch',
          name: 'dispatch',
          component: () => import('./pages/DispatchPage.vue'),
          meta: { page: 'dispatch' },
        },
        {
          path: 'arrivals',
          name: 'arrivals',
          component: () => import('./pages/ArrivalsPage.vue'),
          meta: { page: 'arrivals' },
        },
        {
          path: 'delivery-figures',
          name: 'delivery-figures',
          component: () => import('./pages/DeliveryFiguresPage.vue'),
          meta: { page: 'delivery-figures' },
        },
        // 追溯: lots with their history, labels and recall; the county's alerts.
        { path: 'lots', name: 'lots', component: () => import('./pages/LotsPage.vue'), meta: { page: 'lots' } },
        { path: 'lots/:id', name: 'lot', component: () => import('./pages/LotDetailPage.vue'), meta: { page: 'lots' } },
        {
          path: 'trace-alerts',
          name: 'trace-alerts',
          component: () => import('./pages/TraceAlertsPage.vue'),
          meta: { page: 'trace-alerts' },
        },
        {
          path: 'audit-log',
          name: 'audit-log',
          component: () => import('./pages/AuditLogPage.vue'),
          meta: { page: 'audit-log' },
        },
      ],
    },
    { path: '/:unknown(.*)*', redirect: { name: 'home' } },
  ],
})

router.beforeEach(async (to) => {
  const session = useSessionStore()
  await session.restore()
  const role = session.user?.role

  if (to.name === 'login') return role ? { path: to.query.redirect || '/' } : true
  if (!role) return { name: 'login', query: { redirect: to.fullPath } }
  if (to.name === 'home') {
    const [first] = menuPagesFor(role)
    return first ? { name: first.name } : true
  }
  const allowed = mayOpen(to.meta.page, role) && (!to.meta.roles || to.meta.roles.includes(role))
  return allowed ? true : { name: 'home' }
})
