/** The index elements' strings in de (see `../en-index.ts`). */
import type { IndexCatalog } from '../en-index.js';

export default {
  comments: { one: '{n} Kommentar', other: '{n} Kommentare' },
  countLoading: 'Anzahl der Kommentare wird geladen …',
  commentsUnavailable: 'Kommentare',
  noDiscussion: 'Noch keine Diskussion.',
  cardLoading: 'Diskussion wird geladen …',
  cardUnavailable: 'Diese Diskussion ist gerade nicht verfügbar.',
  untitled: 'Diskussion ohne Titel',
  discussions: 'Diskussionen',
  discussionsLoading: 'Diskussionen werden geladen …',
  noDiscussions: 'Noch keine Diskussionen.',
  discussionsUnavailable: 'Die Diskussionen sind gerade nicht verfügbar.',
  sortBy: 'Sortieren nach',
  mostActive: 'Aktivste',
  mostRecent: 'Neueste',
  loadMoreDiscussions: 'Weitere Diskussionen laden',
  loadingMore: 'Wird geladen …',
  moreFailed: 'Weitere Diskussionen konnten nicht geladen werden.',
} satisfies IndexCatalog;
