import type { Discussion } from './discussion.ts';

/** Comments under a travel article: practical advice from several readers, some chit-chat. */
export const danubeCycling: Discussion = {
  name: 'danube-cycling (English, blog comments)',
  language: 'en',
  title: 'Cycling the Danube from Passau to Vienna in five days',
  opening: false,
  posts: [
    {
      author: 'Anna',
      body: 'Great write-up, thanks for sharing! We cycled the same route last June, and the Wachau valley was the highlight, with apricot stands every few kilometres.',
    },
    {
      author: 'Ben',
      body: 'How did you handle luggage? I am planning the Danube trip with two kids and wonder whether the luggage transfer services are worth it.',
    },
    {
      author: 'Clara',
      body: `The luggage transfer was worth every euro for us, since the hotels along the route all work with the same two companies.

Book the transfer together with the rooms in spring, because the hotels in the Wachau fill up by May.`,
    },
    { author: 'Ben', body: 'Good to know, we will book the transfer with the rooms then.' },
    {
      author: 'Dmitri',
      body: 'One warning: the stretch between Linz and Grein runs on the road for a few kilometres and can be busy with trucks. With kids I would take the ferry across to the quiet south bank there.',
    },
    {
      author: 'Anna',
      body: 'Agreed on the ferry, it runs every hour in summer and takes bikes.',
    },
    { author: 'Erik', body: 'Great write-up, thanks for sharing!' },
    {
      author: 'Clara',
      body: 'If the kids get tired, the train follows the river almost the whole way from Passau to Vienna, so you can skip a stage.',
    },
    {
      author: 'Ben',
      body: 'Thanks all, this settles it: five days, the luggage transfer, and the ferry at Grein.',
    },
  ],
  mustContain: ['luggage transfer', 'ferry'],
  mustNotContain: ['Great write-up', 'Good to know', 'Agreed on the ferry'],
};
