// Entry point of the mobile mall (index.html): Vant components, Chinese by default.
import { createApp } from 'vue'
import 'vant/lib/index.css'
import { i18n } from '../i18n/index.js'
import MallApp from './MallApp.vue'
import { router } from './router.js'

createApp(MallApp).use(i18n).use(router).mount('#app')
