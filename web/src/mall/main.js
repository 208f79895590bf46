// Entry point of the mobile mall (index.html): Vant components, Chinese by default.
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import 'vant/lib/index.css'
import { onUnauthorized } from '../api/client.js'
import { i18n } from '../i18n/index.js'
import { useSessionStore } from '../session.js'
import { useCartStore } from './cart.js'
import MallApp from './MallApp.vue'
import { goToLogin, router } from './router.js'

const app = createApp(MallApp).use(createPinia()).use(i18n).use(router)

// Anyone may browse; the session is restored at once so that the tab bar shows the cart.
const session = useSessionStore()
useCartStore()
session.restore()

// The session expired during the visit: pages that need it go to the login page.
onUnauthorized(() => {
  session.end()
  if (router.currentRoute.value.meta.login) goToLogin()
})

app.mount('#app')
