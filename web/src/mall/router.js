import { createRouter, createWebHistory } from 'vue-router'
import HomePage from './pages/HomePage.vue'

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/', name: 'home', component: HomePage },
    { path: '/search', name: 'search', component: () => import('./pages/ProductSearchPage.vue') },
    { path: '/products/:id', name: 'product', component: () => import('./pages/ProductDetailPage.vue') },
    { path: '/:unknown(.*)*', redirect: { name: 'home' } },
  ],
  scrollBehavior: (to, from, savedPosition) => savedPosition ?? { top: 0 },
})

// The nav bar's back arrow: the previous page of this visit, or the front page for a
// buyer who arrived by a shared link.
export function goBack() {
  if (window.history.state?.back) router.back()
  else router.push({ name: 'home' })
}
