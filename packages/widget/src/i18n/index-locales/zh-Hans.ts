/** The index elements' strings in zh-Hans (see `../en-index.ts`). */
import type { IndexCatalog } from '../en-index.js';

export default {
  comments: { other: '{n} 条评论' },
  countLoading: '正在加载评论数…',
  commentsUnavailable: '评论',
  noDiscussion: '还没有讨论。',
  cardLoading: '正在加载讨论…',
  cardUnavailable: '此讨论暂时无法显示。',
  untitled: '无标题讨论',
  discussions: '讨论',
  discussionsLoading: '正在加载讨论…',
  noDiscussions: '还没有讨论。',
  discussionsUnavailable: '讨论暂时无法显示。',
  sortBy: '排序方式',
  mostActive: '最活跃',
  mostRecent: '最新',
  loadMoreDiscussions: '加载更多讨论',
  loadingMore: '正在加载…',
  moreFailed: '无法加载更多讨论。',
} satisfies IndexCatalog;
