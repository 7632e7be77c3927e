// Français. Typographie : espace fine insécable (U+202F) avant « ; : » et dans les guillemets.
import type { Message } from './catalog.js';
import type { en } from './en.js';

export const fr = {
  title: 'Kuä — transmettre des preuves en sécurité',
  intro:
    'Un endroit sûr pour transmettre les photos et les vidéos de violences dont vous avez été témoin. Vos fichiers sont chiffrés sur cet appareil avant de le quitter\u202f; seuls des analystes habilités peuvent les ouvrir.',
  languageLabel: 'Langue',
  loading: 'Chargement…',
  configFailed: 'Impossible de joindre le serveur. Vérifiez votre connexion et rechargez la page.',
  limitsHeading: 'Ce que vous pouvez envoyer',
  limitsSize: 'Chaque photo ou vidéo peut peser jusqu’à {size}.',
  limitsCount: {
    one: 'Au plus {count} fichier par envoi, note comprise.',
    many: 'Au plus {count} de fichiers par envoi, note comprise.',
    other: 'Au plus {count} fichiers par envoi, note comprise.',
  },
  limitsTypes: 'Formats acceptés\u202f: {types}.',
  pickLabel: 'Photos et vidéos',
  pickHint: 'Vous pouvez choisir plusieurs fichiers à la fois.',
  pickButton: 'Choisir des photos et des vidéos',
  filesChosen: {
    one: '{count} fichier choisi',
    many: '{count} de fichiers choisis',
    other: '{count} fichiers choisis',
  },
  noteLabel: 'Note (facultative)',
  noteHint:
    'Ce qui s’est passé, où et quand — seulement si vous le souhaitez. La note est chiffrée comme les fichiers.',
  submit: 'Chiffrer et envoyer',
  filesHeading: 'Fichiers choisis',
  fileSize: 'Taille\u202f: {size}',
  metaReading: 'Recherche d’informations cachées dans ce fichier…',
  metaFound: 'Ce fichier contient des informations qui pourraient vous identifier\u202f:',
  metaLocation: 'le lieu de la prise de vue ({place})',
  metaLocationVideo: 'le lieu de l’enregistrement',
  metaDevice: 'le modèle de l’appareil photo ou du téléphone ({device})',
  metaDeviceVideo: 'l’appareil ou le téléphone qui a filmé',
  metaSerial: 'un numéro de série de l’appareil ou de l’objectif',
  metaDate: 'la date et l’heure de la prise de vue ({date})',
  metaDateVideo: 'la date et l’heure de l’enregistrement ({date})',
  metaOwner: 'des noms de propriétaire ou d’auteur ({names})',
  metaWillRemove: 'Tout cela sera supprimé avant que les analystes ne voient le fichier.',
  metaNone:
    'Nous n’avons trouvé dans ce fichier ni lieu, ni appareil, ni date, ni nom. Ce qui y serait caché sans que nous puissions le lire sera supprimé aussi.',
  metaVideoMore:
    'Une vidéo peut contenir davantage que ce que nous pouvons lire ici\u202f; tout cela sera également supprimé.',
  metaUnreadable:
    'Nous n’avons pas pu lire les informations cachées de ce fichier. Tout ce qu’il contient sera supprimé.',
  metaNameNotSent: 'Le nom du fichier n’est pas envoyé.',
  keepOriginal: 'Donner aussi aux analystes l’original intact (il contient ces informations)',
  errNoFiles: 'Choisissez au moins une photo ou une vidéo.',
  errTooLarge: '«\u202f{name}\u202f» est trop volumineux\u202f: chaque fichier peut peser jusqu’à {size}.',
  errNotMedia: '«\u202f{name}\u202f» n’est ni une photo ni une vidéo dans un format accepté.',
  errTooMany: {
    one: 'Trop de fichiers\u202f: vous pouvez en envoyer au plus {count} à la fois, note comprise.',
    many: 'Trop de fichiers\u202f: vous pouvez en envoyer au plus {count} à la fois, note comprise.',
    other: 'Trop de fichiers\u202f: vous pouvez en envoyer au plus {count} à la fois, note comprise.',
  },
  errServerFull: 'Le serveur n’a pas de place pour ces fichiers en ce moment. Réessayez plus tard.',
  errOffline: 'Vous êtes hors ligne. L’envoi reprendra de lui-même au retour de la connexion.',
  errRefused: 'Le serveur a refusé l’envoi (erreur {status}). Réessayez plus tard.',
  errExpired: 'L’envoi inachevé n’est plus sur le serveur. Envoyez de nouveau les fichiers.',
  errFileChanged: 'Un fichier ne peut plus être lu. Choisissez-le de nouveau, puis renvoyez.',
  errBrowser: 'Ce navigateur n’a pas pu chiffrer les fichiers. Essayez avec un autre navigateur.',
  progressHeading: 'Envoi',
  progressOverall: 'Tous les fichiers',
  progressNote: 'Note',
  progressBytes: '{done} sur {total}',
  timeLeftSeconds: {
    one: 'environ {count} seconde restante',
    many: 'environ {count} de secondes restantes',
    other: 'environ {count} secondes restantes',
  },
  timeLeftMinutes: {
    one: 'environ {count} minute restante',
    many: 'environ {count} de minutes restantes',
    other: 'environ {count} minutes restantes',
  },
  timeLeftHours: {
    one: 'environ {count} heure restante',
    many: 'environ {count} d’heures restantes',
    other: 'environ {count} heures restantes',
  },
  timeLeftUnknown: 'estimation du temps restant…',
  statusPreparing: 'Chiffrement sur cet appareil…',
  statusUploading: 'Envoi des fichiers chiffrés…',
  statusRetrying: 'La connexion a été coupée\u202f; nouvel essai…',
  statusFinishing: 'Vérification que tout est bien arrivé…',
  doneHeading: 'Reçu',
  doneText: 'Vos fichiers sont bien arrivés. Merci.',
  codeLabel: 'Votre code d’envoi\u202f:',
  codeExplain:
    'Vous pouvez garder ce code ou l’ignorer\u202f; si quelqu’un le trouve sur votre appareil, il montre que vous avez envoyé quelque chose à ce portail, mais pas quoi.',
  receiptPending: 'Préparation de votre reçu…',
  receiptDownload: 'Télécharger le reçu',
  receiptUnavailable:
    'Aucun reçu n’a pu être préparé pour l’instant\u202f; votre envoi n’en est pas affecté.',
  receiptExplain:
    'Le reçu vous permet de vérifier plus tard, sur la page de vérification, que le portail a consigné votre envoi et quand. Si quelqu’un le trouve, il montre que vous avez envoyé quelque chose à ce portail, mais rien de son contenu.',
  newSubmission: 'Envoyer autre chose',
  resumeFound:
    'Un envoi inachevé a été trouvé dans cet onglet. Choisissez de nouveau les mêmes fichiers et appuyez sur «\u202fChiffrer et envoyer\u202f» pour reprendre là où il s’est arrêté.',
  resumeDiscard: 'Recommencer plutôt',
  resumeContinued: 'Ce sont les mêmes fichiers\u202f: l’envoi reprend là où il s’est arrêté.',
  fingerprint:
    'Empreinte de la clé de réception\u202f: {fingerprint}. Comparez-la avec celle que publie l’organisation.',
  verifyLink: 'Vérifier un fichier publié par un examinateur',
  verifyTitle: 'Kuä — vérifier un fichier publié',
  verifyHeading: 'Vérifier un fichier publié',
  verifyIntro:
    'Vérifiez qu’un fichier est exactement celui que ce portail a produit à partir d’un envoi qu’il a reçu, et quand. Le fichier reste sur cet appareil\u202f: seule son empreinte SHA-256, calculée ici, est envoyée.',
  verifyFileHeading: 'Fichier à vérifier',
  verifyDropHint: 'Choisissez le fichier ou déposez-le sur cette page. Il n’est pas envoyé.',
  verifyPickButton: 'Choisir un fichier',
  verifyHashing: 'Calcul de l’empreinte du fichier sur cet appareil…',
  verifyChecking: 'Recherche dans le journal et vérification des preuves…',
  verifyReceiptOk:
    'Reçu vérifié\u202f: le portail a reçu cet envoi le {time}, et il figure toujours dans le journal du portail.',
  verifyReceiptInvalid:
    'Ce reçu n’est pas valable pour ce portail\u202f: sa signature ou ses preuves ne concordent pas.',
  verifyReceiptInconsistent:
    'Attention\u202f: le journal du portail ne concorde plus avec ce reçu. Son historique a été réécrit.',
  verifyIncluded:
    'Inclus\u202f: ce fichier figure dans le journal du portail, et le point de contrôle signé du journal le prouve.',
  verifyUnknown:
    'Inconnu\u202f: ce fichier ne figure pas dans le journal du portail. Soit ce portail ne l’a pas produit, soit il a été modifié depuis.',
  verifyFailed:
    'Attention\u202f: la réponse du portail contredit son propre journal signé. Son historique a peut-être été réécrit. Ne vous fiez pas à ce résultat\u202f; gardez votre point de contrôle enregistré et signalez-le.',
  verifyCheckpointBad:
    'Le point de contrôle du portail n’est pas signé par sa clé de journal. Ne vous fiez pas aux réponses de ce portail\u202f; signalez-le.',
  verifyNetworkError: 'Impossible de joindre le portail ou de comprendre sa réponse. Réessayez plus tard.',
  verifyReadError: 'Ce fichier n’a pas pu être lu. Choisissez-le à nouveau.',
  verifyFieldHash: 'Empreinte du fichier (SHA-256)',
  verifyFieldMatch: 'Correspond à',
  verifyMatchSanitised: 'le fichier nettoyé remis aux examinateurs',
  verifyMatchSealed: 'le fichier chiffré envoyé aux examinateurs',
  verifyFieldSubmission: 'Envoi',
  verifyFieldFile: 'Numéro du fichier dans l’envoi',
  verifyFieldReceived: 'Reçu',
  verifyFieldProcessed: 'Nettoyé',
  verifyFieldTools: 'Outils utilisés',
  verifyFieldEntry: 'Entrée du journal',
  verifyFieldTree: 'Vérifié par rapport à la taille signée du journal',
  verifySavedHeading: 'Comparer avec un point de contrôle enregistré',
  verifySavedHint:
    'Si vous avez déjà enregistré le point de contrôle de ce portail, collez-le ici ou chargez son fichier\u202f: la page vérifie que le journal n’a fait que s’allonger depuis et que rien n’y a été réécrit.',
  verifySavedLabel: 'Point de contrôle enregistré',
  verifySavedLoad: 'Charger un fichier de point de contrôle',
  verifySavedCheck: 'Vérifier la cohérence',
  verifySavedEmpty: 'Collez ou chargez d’abord un point de contrôle enregistré.',
  verifySavedInvalid: 'Ce n’est pas un point de contrôle signé par la clé de journal de ce portail.',
  verifyConsistent:
    'Cohérent\u202f: le journal que vous avez enregistré (taille {from}) est le début du journal d’aujourd’hui (taille {to}). Rien n’a été réécrit.',
  verifyInconsistent:
    'Incohérent\u202f: le journal que vous avez enregistré (taille {from}) n’est pas le début du journal d’aujourd’hui (taille {to}). Le portail a réécrit son historique. Gardez les deux points de contrôle et signalez-le.',
  verifyCurrentHeading: 'Le journal du portail aujourd’hui',
  verifyCurrentSize: 'Entrées du journal selon son dernier point de contrôle signé\u202f: {size}.',
  verifySaveHint:
    'Enregistrez le point de contrôle actuel\u202f: la prochaine fois, chargez-le ici pour vérifier que le portail n’a pas réécrit son historique entre-temps.',
  verifySave: 'Enregistrer le point de contrôle actuel',
  verifyBack: 'Retour à la page d’envoi',
  verifyFingerprint:
    'Empreinte de la clé du journal\u202f: {fingerprint}. Comparez-la avec celle que publie l’organisation.',
  verifyLogEmpty: 'Le journal du portail ne contient encore aucune entrée\u202f: il n’y a rien à vérifier.',
} satisfies Record<keyof typeof en, Message>;
