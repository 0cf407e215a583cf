/** The index elements' strings in ar (see `../en-index.ts`). */
import type { IndexCatalog } from '../en-index.js';

export default {
  comments: {
    zero: 'لا تعليقات',
    one: 'تعليق واحد',
    two: 'تعليقان',
    few: '{n} تعليقات',
    many: '{n} تعليقًا',
    other: '{n} تعليق',
  },
  countLoading: 'جارٍ تحميل عدد التعليقات…',
  commentsUnavailable: 'التعليقات',
  noDiscussion: 'لا يوجد نقاش بعد.',
  cardLoading: 'جارٍ تحميل النقاش…',
  cardUnavailable: 'هذا النقاش غير متاح حاليًا.',
  untitled: 'نقاش بلا عنوان',
  discussions: 'النقاشات',
  discussionsLoading: 'جارٍ تحميل النقاشات…',
  noDiscussions: 'لا توجد نقاشات بعد.',
  discussionsUnavailable: 'النقاشات غير متاحة حاليًا.',
  sortBy: 'الترتيب حسب',
  mostActive: 'الأكثر نشاطًا',
  mostRecent: 'الأحدث',
  loadMoreDiscussions: 'تحميل المزيد من النقاشات',
  loadingMore: 'جارٍ التحميل…',
  moreFailed: 'تعذّر تحميل المزيد من النقاشات.',
} satisfies IndexCatalog;
