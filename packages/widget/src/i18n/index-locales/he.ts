/** The index elements' strings in he (see `../en-index.ts`). */
import type { IndexCatalog } from '../en-index.js';

export default {
  comments: { one: 'תגובה אחת', two: 'שתי תגובות', other: '{n} תגובות' },
  countLoading: 'טוען את מספר התגובות…',
  commentsUnavailable: 'תגובות',
  noDiscussion: 'עדיין אין דיון.',
  cardLoading: 'טוען את הדיון…',
  cardUnavailable: 'הדיון אינו זמין כרגע.',
  untitled: 'דיון ללא כותרת',
  discussions: 'דיונים',
  discussionsLoading: 'טוען דיונים…',
  noDiscussions: 'עדיין אין דיונים.',
  discussionsUnavailable: 'הדיונים אינם זמינים כרגע.',
  sortBy: 'מיון לפי',
  mostActive: 'הפעילים ביותר',
  mostRecent: 'החדשים ביותר',
  loadMoreDiscussions: 'טעינת דיונים נוספים',
  loadingMore: 'טוען…',
  moreFailed: 'לא ניתן היה לטעון דיונים נוספים.',
} satisfies IndexCatalog;
