# Son propre compte.

account-language = Langue
    .label = La langue dans laquelle Pacer s’adresse à vous
    .saved = Votre langue est enregistrée.
account-language-default = Celle de l’organisation, sinon celle de mon navigateur
save = Enregistrer

# Le reste de la page de son compte : le récapitulatif hebdomadaire et le mot de passe.
account-title = Mon compte
account-digest = Récapitulatif hebdomadaire
account-digest-opted-out = Vous êtes désabonné du récapitulatif hebdomadaire.
account-digest-goes-to = Chaque semaine, votre récapitulatif est envoyé à
account-digest-no-address = Pacer n’a pas d’adresse e-mail pour vous : indiquez-en une pour recevoir le récapitulatif hebdomadaire.
account-digest-see = Voir mon récapitulatif
account-email = E-mail (laissez vide pour utiliser celui de votre fiche commercial)
account-email-rep = E-mail (laissez vide pour utiliser celui de votre fiche commercial, { $email })
account-digest-send = M’envoyer le récapitulatif hebdomadaire par e-mail
account-digest-on = Vous recevez le récapitulatif hebdomadaire.
account-password = Changer de mot de passe
account-password-current = Mot de passe actuel
account-password-new = Nouveau mot de passe (10 caractères au moins)
account-password-signs-out = Changer de mot de passe vous déconnecte partout.
account-password-wrong = le mot de passe actuel est incorrect
account-password-changed = Mot de passe changé : reconnectez-vous.
