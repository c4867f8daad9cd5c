# La page de connexion (avant la connexion : la langue du navigateur), et ce que toute page dit
# d’une adresse qu’elle ne sait pas lire.

login-sign-in = Se connecter
login-heading = Connexion à Pacer
login-username = Nom d’utilisateur
login-password = Mot de passe
login-wrong = Nom d’utilisateur ou mot de passe incorrect.
login-too-many = trop de tentatives de connexion échouées : réessayez dans { $count ->
        [one] { $seconds } seconde
       *[other] { $seconds } secondes
    }

page-address-unreadable = L’adresse n’a pas pu être lue : { $reason }.
page-filter-unreadable = Le filtre { $name } = { $value } n’a pas pu être lu ({ $reason }) : choisissez une valeur dans le formulaire, ou laissez-le vide.
page-filters-unreadable = Les filtres n’ont pas pu être lus : { $reason }.
