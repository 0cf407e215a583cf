import type { Discussion } from './discussion.ts';

/** A Chinese forum thread (with English names in it): how to learn Rust. */
export const rustLearning: Discussion = {
  name: 'rust-learning (Chinese, forum)',
  language: 'zh',
  title: '有 Python 基础，如何学习 Rust？',
  opening: true,
  posts: [
    {
      author: '小李',
      body: '我有两年 Python 经验，想在今年学习 Rust，主要用来写命令行工具。请问大家推荐怎样的学习路线？听说所有权和借用检查很难，有没有好的学习方法？',
    },
    {
      author: '王工',
      body: '先把官方的《Rust 程序设计语言》读完，书里对所有权和借用讲得很清楚。每读完一章，就做一下 Rustlings 里对应的练习。',
    },
    {
      author: '陈静',
      body: '借用检查器一开始确实让人头疼，但是编译器的错误提示非常详细，认真读提示就能学到很多。',
    },
    { author: '小李', body: '谢谢！' },
    {
      author: '赵明',
      body: `> 这本书的中文版由社区翻译，可以在线免费阅读。

写命令行工具的话，可以直接用 clap 解析参数，用 anyhow 处理错误，上手很快。`,
    },
    {
      author: '王工',
      body: '不要一开始就研究生命周期和异步编程，先写几个小工具，遇到问题再去查文档。',
    },
    {
      author: '陈静',
      body: `\`\`\`rust
fn main() { println!("你好，世界"); }
\`\`\`

每天坚持写一点代码，比一次看很多资料更有效。`,
    },
    {
      author: '小李',
      body: '明白了，我先读官方教程并做 Rustlings 练习，然后用 clap 写一个小工具。',
    },
    { author: '赵明', body: '加油！' },
  ],
  mustContain: ['学习 Rust', '《Rust 程序设计语言》'],
  mustNotContain: ['谢谢', '加油', '中文版由社区翻译', 'println'],
};
