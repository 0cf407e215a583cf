/** The index elements' strings in ja (see `../en-index.ts`). */
import type { IndexCatalog } from '../en-index.js';

export default {
  comments: { other: 'コメント {n} 件' },
  countLoading: 'コメント数を読み込んでいます…',
  commentsUnavailable: 'コメント',
  noDiscussion: 'まだディスカッションはありません。',
  cardLoading: 'ディスカッションを読み込んでいます…',
  cardUnavailable: '現在、このディスカッションを表示できません。',
  untitled: '無題のディスカッション',
  discussions: 'ディスカッション',
  discussionsLoading: 'ディスカッションを読み込んでいます…',
  noDiscussions: 'まだディスカッションはありません。',
  discussionsUnavailable: '現在、ディスカッションを表示できません。',
  sortBy: '並べ替え',
  mostActive: 'アクティブ順',
  mostRecent: '新しい順',
  loadMoreDiscussions: 'さらに読み込む',
  loadingMore: '読み込み中…',
  moreFailed: 'ディスカッションを追加で読み込めませんでした。',
} satisfies IndexCatalog;
