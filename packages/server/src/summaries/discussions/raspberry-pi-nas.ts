import type { Discussion } from './discussion.ts';

/** A Japanese forum thread: building a home NAS on a Raspberry Pi. */
export const raspberryPiNas: Discussion = {
  name: 'raspberry-pi-nas (Japanese, forum)',
  language: 'ja',
  title: 'Raspberry Pi 5 で家庭用NASを作りたい',
  opening: true,
  posts: [
    {
      author: 'たかし',
      body: 'Raspberry Pi 5 と外付けHDDで家庭用のNASを作ろうと考えています。写真のバックアップが主な用途で、家族四人で使う予定です。SDカードから起動すると壊れやすいと聞いたのですが、本当でしょうか？',
    },
    {
      author: 'ゆみ',
      body: 'SDカードは書き込みが多いと寿命が短くなるので、NVMe SSDから起動するのがおすすめです。Pi 5ならM.2 HATを使えば簡単にSSDから起動できます。',
    },
    { author: 'たかし', body: 'なるほど、ありがとうございます！' },
    {
      author: '佐藤',
      body: 'バックアップ用途なら、HDDは二台にしてrsyncで定期的にコピーしたほうが安心です。RAIDはバックアップではないので、別の場所にも写真のコピーを置いてください。',
    },
    {
      author: 'けんじ',
      body: '電源が弱いとHDDが認識されないことがあるので、セルフパワーのUSBハブか公式の27W電源を使いましょう。',
    },
    {
      author: 'ゆみ',
      body: `> 公式ドキュメントでは五ボルト五アンペアの電源が推奨されています。

電源については私も同意見です。`,
    },
    {
      author: 'たかし',
      body: 'NVMe SSDから起動して、HDD二台をrsyncで同期する構成にしました。写真はSambaで共有して、家族全員のスマホから自動でバックアップできるようになりました。',
    },
    { author: '佐藤', body: 'いい構成ですね！' },
    {
      author: 'けんじ',
      body: 'OpenMediaVaultを入れると、Webの管理画面から共有フォルダやユーザーを設定できるので便利ですよ。',
    },
  ],
  mustContain: ['家庭用のNAS', 'SSDから起動'],
  mustNotContain: ['ありがとうございます', 'いい構成ですね', '公式ドキュメントでは', '同意見'],
};
