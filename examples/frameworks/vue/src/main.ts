/** The Vue example's entry: one article with its Parley thread. */
import { createApp } from 'vue';
import App from './app.vue';

createApp(App).mount('#app');
