# Les mots que toutes les parties de Pacer partagent : périodes fiscales, langues.

period-year = FY{ $fy }
period-half = S{ $i } FY{ $fy }
period-quarter = T{ $i } FY{ $fy }
period-month = M{ $index } FY{ $fy }
period-week = Sem. { $index } FY{ $fy }

# Pages d’erreur et de message.
error-back = Retour à Pacer
error-not-saved = Non enregistré
error-field-refused = Le champ « { $field } » a été refusé : { $reason }. Rien n’a été enregistré ; revenez en arrière pour le corriger.
error-form-unreadable = Le formulaire n’a pas pu être lu : { $reason }.
error-form-expired = Formulaire expiré
    .message = Ce formulaire n’est plus à jour ou n’a pas été envoyé par Pacer. Revenez en arrière, rechargez la page et réessayez.
error-sign-in = Veuillez vous connecter
    .message = Connectez-vous pour voir cette page.
error-forbidden = Non autorisé
    .message = Vous n’êtes pas autorisé à faire ceci.
error-not-found = Introuvable
    .message = Il n’y a pas de page à cette adresse.
error-too-many = Trop de tentatives
error-too-large = L’envoi dépasse la taille que Pacer accepte.
error-refused = Cela n’a pas fonctionné
error-internal = Une erreur s’est produite
    .message = Pacer n’a pas pu répondre. L’erreur a été enregistrée ; réessayez dans un instant.
warning-lead = Attention :
