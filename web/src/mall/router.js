import { createRouter, createWebHistory } from 'vue-router'
import { localPath } from '../lib/redirect.js'
import { useSessionStore } from '../session.js'
import HomePage from './pages/HomePage.vue'

// meta.tab: the page shows the tab bar (首页, 购物车, 我的). meta.login: the page needs a
// signed-in buyer; without one it sends them to the login page, which brings them back.
export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/', name: 'home', component: HomePage, meta: { tab: true } },
    { path: '/search', name: 'search', component: () => import('./pages/ProductSearchPage.vue') },
    { path: '/products/:id', name: 'product', component: () => import('./pages/ProductDetailPage.vue') },
    { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue') },
    { path: '/cart', name: 'cart', component: () => import('./pages/CartPage.vue'), meta: { tab: true, login: true } },
    {
      path: '/checkout',
      name: 'checkout',
      component: () => import('./pages/CheckoutPage.vue'),
      meta: { login: true },
    },
    { path: '/me', name: 'me', component: () => import('./pages/MePage.vue'), meta: { tab: true } },
    { path: '/me/orders', name: 'orders', component: () => import('./pages/OrdersPage.vue'), meta: { login: true } },
    {
      path: '/me/orders/:id',
      name: 'order',
      component: () => import('./pages/OrderDetailPage.vue'),
      meta: { login: true },
    },
    {
      path: '/me/orders/:id/after-sale',
      name: 'after-sale-new',
      component: () => import('./pages/AfterSaleFormPage.vue'),
      meta: { login: true },
    },
    {
      path: '/me/after-sales',
      name: 'after-sales',
      component: () => import('./pages/AfterSalesPage.vue'),
      meta: { login: true },
    },
    {
      path: '/me/after-sales/:id',
      name: 'after-sale',
      component: () => import('./pages/AfterSalePage.vue'),
      meta: { login: true },
    },
    // Sale events (秒杀 / 直播) are public; buying one of their SKUs needs a buyer.
    { path: '/sales', name: 'sales', component: () => import('./pages/SalesPage.vue') },
    {
      path: '/sales/:id/checkout',
      name: 'sale-checkout',
      component: () => import('./pages/SaleCheckoutPage.vue'),
      meta: { login: true },
    },
    // The sandbox provider's payment page (POST /checkouts/{id}/pay answers its pay_url).
    {
      path: '/pay/sandbox/:prepayId',
      name: 'sandbox-pay',
      component: () => import('./pages/SandboxPayPage.vue'),
      meta: { login: true },
    },
    {
      path: '/me/addresses',
      name: 'addresses',
      component: () => import('./pages/AddressesPage.vue'),
      meta: { login: true },
    },
    {
      path: '/me/addresses/new',
      name: 'address-new',
      component: () => import('./pages/AddressFormPage.vue'),
      meta: { login: true },
    },
    {
      path: '/me/addresses/:id',
      name: 'address-edit',
      component: () => import('./pages/AddressFormPage.vue'),
      meta: { login: true },
    },
    // 一码追溯 (src/trace/): the page behind every printed code (GS1 Digital Link; the server
    // answers these paths with the mall's page for browsers, with data for JSON), public;
    // and the lots of farmers and store keepers, with their production records.
    { path: '/01/:gtin/10/:lot', name: 'scan-lot', component: () => import('../trace/ScanPage.vue') },
    { path: '/01/:gtin/10/:lot/21/:serial', name: 'scan-item', component: () => import('../trace/ScanPage.vue') },
    { path: '/me/lots', name: 'my-lots', component: () => import('../trace/LotsPage.vue'), meta: { login: true } },
    {
      path: '/me/lots/new',
      name: 'lot-new',
      component: () => import('../trace/LotFormPage.vue'),
      meta: { login: true },
    },
    { path: '/me/lots/:id', name: 'my-lot', component: () => import('../trace/LotPage.vue'), meta: { login: true } },
    {
      path: '/me/lots/:id/records/:kind',
      name: 'lot-record',
      component: () => import('../trace/RecordFormPage.vue'),
      meta: { login: true },
    },
    // The couriers' page (src/driver/): the mall's entry serves it, since every path outside
    // /admin falls back to index.html.
    { path: '/driver', name: 'driver', component: () => import('../driver/DriverPage.vue'), meta: { login: true } },
    { path: '/:unknown(.*)*', redirect: { name: 'home' } },
  ],
  scrollBehavior: (to, from, savedPosition) => savedPosition ?? { top: 0 },
})

router.beforeEach(async (to) => {
  if (!to.meta.login && to.name !== 'login') return true
  const session = useSessionStore()
  // A server that cannot be reached leaves the buyer signed out; the login page says why.
  await session.restore().catch(() => {})
  if (to.name === 'login') return session.user ? localPath(to.query.redirect, '/me') : true
  return session.user ? true : { name: 'login', query: { redirect: to.fullPath } }
})

// The nav bar's back arrow: the previous page of this visit, or the front page for a
// buyer who arrived by a shared link.
export function goBack() {
  if (window.history.state?.back) router.back()
  else router.push({ name: 'home' })
}

// After signing in: back to the page that sent the buyer here. When that page is the one
// before the login page, going back to it keeps the history free of a second copy.
export function returnAfterLogin(redirect) {
  const target = localPath(redirect, '/me')
  if (window.history.state?.back === target) router.back()
  else router.replace(target)
}

// Sends a buyer who is not signed in to the login page, to come back to `returnTo`.
export function goToLogin(returnTo = router.currentRoute.value.fullPath) {
  return router.push({ name: 'login', query: { redirect: returnTo } })
}
