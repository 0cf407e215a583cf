/** The index elements' strings in fr (see `../en-index.ts`). */
import type { IndexCatalog } from '../en-index.js';

export default {
  comments: { one: '{n} commentaire', many: '{n} de commentaires', other: '{n} commentaires' },
  countLoading: 'Chargement du nombre de commentaires…',
  commentsUnavailable: 'Commentaires',
  noDiscussion: 'Pas encore de discussion.',
  cardLoading: 'Chargement de la discussion…',
  cardUnavailable: 'Cette discussion est indisponible pour le moment.',
  untitled: 'Discussion sans titre',
  discussions: 'Discussions',
  discussionsLoading: 'Chargement des discussions…',
  noDiscussions: 'Aucune discussion pour le moment.',
  discussionsUnavailable: 'Les discussions sont indisponibles pour le moment.',
  sortBy: 'Trier par',
  mostActive: 'Les plus actives',
  mostRecent: 'Les plus récentes',
  loadMoreDiscussions: 'Afficher plus de discussions',
  loadingMore: 'Chargement…',
  moreFailed: 'Impossible de charger plus de discussions.',
} satisfies IndexCatalog;
