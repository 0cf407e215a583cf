/** The index elements' strings in es (see `../en-index.ts`). */
import type { IndexCatalog } from '../en-index.js';

export default {
  comments: { one: '{n} comentario', many: '{n} de comentarios', other: '{n} comentarios' },
  countLoading: 'Cargando el número de comentarios…',
  commentsUnavailable: 'Comentarios',
  noDiscussion: 'Todavía no hay conversación.',
  cardLoading: 'Cargando la conversación…',
  cardUnavailable: 'Esta conversación no está disponible en este momento.',
  untitled: 'Conversación sin título',
  discussions: 'Conversaciones',
  discussionsLoading: 'Cargando conversaciones…',
  noDiscussions: 'Todavía no hay conversaciones.',
  discussionsUnavailable: 'Las conversaciones no están disponibles en este momento.',
  sortBy: 'Ordenar por',
  mostActive: 'Más activas',
  mostRecent: 'Más recientes',
  loadMoreDiscussions: 'Cargar más conversaciones',
  loadingMore: 'Cargando…',
  moreFailed: 'No se pudieron cargar más conversaciones.',
} satisfies IndexCatalog;
