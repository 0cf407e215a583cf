/** The index elements' strings in pt-BR (see `../en-index.ts`). */
import type { IndexCatalog } from '../en-index.js';

export default {
  comments: { one: '{n} comentário', many: '{n} de comentários', other: '{n} comentários' },
  countLoading: 'Carregando o número de comentários…',
  commentsUnavailable: 'Comentários',
  noDiscussion: 'Ainda não há discussão.',
  cardLoading: 'Carregando a discussão…',
  cardUnavailable: 'Esta discussão não está disponível no momento.',
  untitled: 'Discussão sem título',
  discussions: 'Discussões',
  discussionsLoading: 'Carregando discussões…',
  noDiscussions: 'Ainda não há discussões.',
  discussionsUnavailable: 'As discussões não estão disponíveis no momento.',
  sortBy: 'Ordenar por',
  mostActive: 'Mais ativas',
  mostRecent: 'Mais recentes',
  loadMoreDiscussions: 'Carregar mais discussões',
  loadingMore: 'Carregando…',
  moreFailed: 'Não foi possível carregar mais discussões.',
} satisfies IndexCatalog;
