import type { Discussion } from './discussion.ts';

/** A German forum thread: registering a balcony solar plant, with abbreviations that must not split sentences. */
export const balkonkraftwerk: Discussion = {
  name: 'balkonkraftwerk (German, forum)',
  language: 'de',
  title: 'Balkonkraftwerk anmelden: Wie lief es bei euch?',
  opening: true,
  posts: [
    {
      author: 'Jens',
      body: `Ich habe mir ein Balkonkraftwerk mit 800 Watt gekauft und frage mich, wie die Anmeldung inzwischen abläuft. Muss ich es z. B. noch beim Netzbetreiber anmelden oder reicht das Marktstammdatenregister?

Mein alter Ferraris-Zähler läuft übrigens rückwärts, wenn die Sonne scheint.`,
    },
    {
      author: 'Sabine',
      body: 'Seit dem Solarpaket reicht die Anmeldung im Marktstammdatenregister, der Netzbetreiber bekommt die Daten von dort. Das dauert ca. zehn Minuten und ist kostenlos.',
    },
    {
      author: 'Dr. Weber',
      body: 'Der rückwärts laufende Zähler ist bis zum Tausch geduldet, d. h. du musst selbst nichts unternehmen. Der Netzbetreiber baut dann u. a. einen Zweirichtungszähler ein.',
    },
    { author: 'Jens', body: 'Danke!' },
    {
      author: 'Murat',
      body: `> Steckerfertige Erzeugungsanlagen bis 800 Voltampere sind vereinfacht anzumelden.

Bei mir hat der Zählertausch allerdings drei Monate gedauert, und der Netzbetreiber hat zweimal nachgefragt.`,
    },
    {
      author: 'Sabine',
      body: 'Ein normaler Schukostecker ist inzwischen erlaubt, eine Wieland-Steckdose ist also nicht mehr vorgeschrieben.',
    },
    {
      author: 'Petra',
      body: 'Bei uns wollte die Vermieterin erst nicht, aber seit Oktober 2024 darf sie die Zustimmung nur noch aus wichtigen Gründen verweigern.',
    },
    {
      author: 'Jens',
      body: 'Super, dann melde ich das Balkonkraftwerk heute im Marktstammdatenregister an und warte auf den neuen Zähler.',
    },
    { author: 'Murat', body: 'Viel Erfolg!' },
  ],
  mustContain: ['Marktstammdatenregister'],
  mustNotContain: ['Danke!', 'Viel Erfolg', 'Steckerfertige Erzeugungsanlagen'],
};
