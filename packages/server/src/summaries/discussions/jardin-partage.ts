import type { Discussion } from './discussion.ts';

/** A French thread in a gardening association's site: watering over the summer holidays. */
export const jardinPartage: Discussion = {
  name: 'jardin-partage (French, forum)',
  language: 'fr',
  title: "Jardin partagé : comment organiser l'arrosage cet été ?",
  opening: true,
  posts: [
    {
      author: 'Claire',
      body: "Notre jardin partagé compte maintenant vingt parcelles, et l'arrosage pendant les vacances d'été devient compliqué. L'an dernier, plusieurs potagers ont séché en août faute de bénévoles. Comment organisez-vous l'arrosage dans vos jardins ?",
    },
    {
      author: 'Hugo',
      body: "Chez nous, un tableau partagé en ligne permet à chacun de s'inscrire pour une semaine d'arrosage. Ça marche bien tant que quelqu'un rappelle les inscriptions début juillet.",
    },
    { author: 'Amélie', body: "Merci pour l'idée !" },
    {
      author: 'Karim',
      body: "Nous avons installé un goutte-à-goutte relié à la cuve de récupération d'eau de pluie, avec un programmateur. Les tomates ont tenu trois semaines sans personne.",
    },
    {
      author: 'Hugo',
      body: `> L'eau du réseau est interdite pour l'arrosage des jardins en cas d'arrêté sécheresse.

Attention aussi aux restrictions de la préfecture : la cuve d'eau de pluie reste autorisée quand le réseau ne l'est plus.`,
    },
    {
      author: 'Sophie',
      body: 'Le paillage réduit beaucoup les besoins en eau : une bonne couche de paille suffit souvent pour tenir une semaine sans arrosage.',
    },
    {
      author: 'Claire',
      body: "Je propose donc un tableau d'inscription pour l'arrosage, du paillage sur toutes les parcelles et un devis pour un goutte-à-goutte.",
    },
    { author: 'Karim', body: 'Bonne idée !' },
    {
      author: 'Amélie',
      body: "Je peux m'occuper du tableau d'inscription et envoyer le rappel début juillet.",
    },
  ],
  mustContain: ["l'arrosage", 'tableau partagé en ligne'],
  mustNotContain: ["Merci pour l'idée", 'Bonne idée', 'arrêté sécheresse'],
};
