"""The names the demo gives its residents, volunteers and coordinators: those found in Amsterdam Zuidoost.

Dutch, Surinamese (Creole, Hindustani, Javanese), Antillean and Aruban, Ghanaian (Akan day names),
Nigerian, Moroccan, Turkish, Eritrean, Somali, Cape Verdean, Latin American, francophone West
African and Polish, each origin with the languages spoken; with nicknames now and then and
accents for the accent-insensitive search to find.
"""
from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Origin:
    weight: int
    male: tuple[str, ...]
    female: tuple[str, ...]
    last: tuple[str, ...]
    languages: tuple[str, ...]  # always spoken
    maybe: tuple[tuple[str, float], ...]  # sometimes spoken, with chance


def _t(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


ORIGINS: dict[str, Origin] = {
    "dutch": Origin(
        13,
        _t("Jan, Peter, Kees, Henk, Gerrit, Wim, Ruud, Sander, Bas, Thijs, Daan, Joost, Erik, Frank, "
           "Hans, Martijn, Ruben, Niels, Jeroen, Teun, Rob, Dirk"),
        _t("Anja, Ingrid, Marieke, Annemiek, Els, Petra, Sanne, Femke, Lotte, Ria, Gerda, Wilma, Joke, "
           "Yvonne, Zoë, Renée, Ilse, Marloes, Noor, Chantal, Mieke, Bea"),
        _t("de Vries, Jansen, de Jong, Bakker, Visser, Smit, Meijer, de Boer, Mulder, Vos, Peters, "
           "Hendriks, van Dijk, Dekker, Kok, Brouwer, van den Berg, Willems, Koster, Post, van Leeuwen, "
           "Prins, Groen, Schouten"),
        ("nl",), (("en", 0.5),)),
    "sur_creole": Origin(
        20,
        _t("Ronald, Errol, Glenn, Romeo, Marlon, Stanley, Ricardo, Clarence, Humphrey, Winston, Orlando, "
           "Rudi, Edgar, Dennis, Iwan, Roy, Kenneth, Lucien, Quincy, Virgil, Gregory, Ferdinand"),
        _t("Marcia, Ernestine, Gracia, Sylvia, Ingrid, Jocelyn, Lucretia, Rinia, Shirley, Germaine, Iris, "
           "Wendy, Cynthia, Hortence, Gwendolyn, Jenny, Esmeralda, Ruth, Anaïs, Liesbeth, Mavis, Hélène"),
        _t("Pinas, Sedney, Wijdenbosch, Doelwijt, Emanuelson, Linger, Esajas, Kruisland, Gemerts, "
           "Tjin-A-Lim, Vroom, Renfrum, Grootfaam, Karsters, Macnack, Fraenk, Nelom, Amania, Slijngard, "
           "Zeefuik, Toppenberg, Bergraaf, Panka, Landveld, Held, Vanenburg"),
        ("nl",), (("srn", 0.7), ("en", 0.3))),
    "sur_hindustani": Origin(
        8,
        _t("Rakesh, Sunil, Dinesh, Ravi, Anand, Sanjay, Ramesh, Vikash, Ashwin, Prakash, Kiran, Rajesh, "
           "Navin, Soerin"),
        _t("Sharmila, Anita, Radjkoemarie, Sita, Priya, Shanti, Kavita, Reshma, Nirmala, Sunita, Roshni, "
           "Indra, Sarita, Asha"),
        _t("Ramdin, Jagesar, Mahabier, Ramsaran, Sewdien, Bhagwandin, Ramlal, Kalloe, Soekhoe, Ramkisoen, "
           "Chotkan, Badloe, Sitaldin, Kanhai, Jhinkoe, Autar"),
        ("nl",), (("srn", 0.5), ("hi", 0.4), ("en", 0.2))),
    "sur_javanese": Origin(
        2,
        _t("Wagino, Soekirman, Paidi, Djoko, Sarmo, Karso"),
        _t("Sriwati, Soekarti, Wartini, Painem, Tuminah, Sumiati"),
        _t("Kartosen, Sastro, Soemodihardjo, Atmopawiro, Karijo, Tjokrodikromo, Moestadja"),
        ("nl",), (("jv", 0.5), ("srn", 0.4))),
    "antillean": Origin(
        9,
        _t("Jurgen, Eduardo, Shurandy, Giovanni, Rignald, Jeandrick, Mervin, Sharlon, Juan, José, Dayron, "
           "Ruthmilo, Edsel, Gilbert"),
        _t("Mireya, Jesmaine, Gisela, Shudayra, Marisol, Ruthsela, Xiomara, Luzmila, Migdalia, Jacinta, "
           "Yanira, Dayenne, Zuleica, Ilse"),
        _t("Martis, Rosaria, Maduro, Croes, Winklaar, Isenia, Cijntje, Koeiman, Statia, Paulina, Wever, "
           "Janga, Girigorie, Felida, Doran, Sling, Francisca, Cornelia, Eman, Römer"),
        ("pap", "nl"), (("es", 0.3), ("en", 0.4))),
    "ghanaian": Origin(
        13,
        _t("Kwame, Kofi, Kwaku, Kwabena, Kwesi, Kojo, Yaw, Kwadwo, Emmanuel, Isaac, Samuel, Daniel, "
           "Joseph, Ebenezer, Nana, Prince"),
        _t("Akosua, Adwoa, Abena, Akua, Yaa, Afua, Ama, Esi, Efua, Comfort, Gifty, Patience, Mercy, Grace, "
           "Vida, Beatrice"),
        _t("Mensah, Owusu, Boateng, Asante, Osei, Appiah, Agyeman, Amoah, Antwi, Darko, Ofori, Bonsu, "
           "Acheampong, Sarpong, Addo, Frimpong, Amponsah, Adjei, Opoku, Yeboah, Nkansah, Ansah, Danso"),
        ("tw", "en"), (("nl", 0.4),)),
    "nigerian": Origin(
        5,
        _t("Chukwuemeka, Oluwaseun, Adebayo, Emeka, Tunde, Chinedu, Segun, Ifeanyi, Babajide, Obinna"),
        _t("Ngozi, Chiamaka, Fúnmiláyọ̀, Adaeze, Folake, Blessing, Chioma, Yetunde, Nneka, Bukola"),
        _t("Okafor, Adeyemi, Okonkwo, Eze, Balogun, Nwosu, Ogunleye, Obi, Adewale, Olawale, Uche, Ibekwe"),
        ("en",), (("yo", 0.35), ("ig", 0.3), ("nl", 0.3))),
    "moroccan": Origin(
        6,
        _t("Mohamed, Ahmed, Youssef, Said, Rachid, Hamid, Mustafa, Karim, Abdelkader, Bilal, Hicham, Driss"),
        _t("Fatima, Khadija, Naima, Malika, Samira, Nadia, Hafsa, Zineb, Latifa, Ilham, Soumaya, Amina"),
        _t("El Amrani, Bouzid, Benali, El Idrissi, Ouali, Azzouz, Boukhari, Haddou, El Khattabi, "
           "Aït Said, Tahiri, Chaouch"),
        ("ar",), (("nl", 0.7), ("fr", 0.3), ("ber", 0.3))),
    "turkish": Origin(
        3,
        _t("Mehmet, Mustafa, Ahmet, Hüseyin, Hasan, İbrahim, Osman, Yusuf, Emre, Şükrü, Kemal"),
        _t("Ayşe, Fatma, Emine, Hatice, Zeynep, Gül, Elif, Özlem, Sevgi, Gülsen"),
        _t("Yılmaz, Kaya, Demir, Şahin, Çelik, Yıldız, Aydın, Öztürk, Arslan, Doğan, Koç, Kurt"),
        ("tr",), (("nl", 0.7),)),
    "eritrean": Origin(
        5,
        _t("Tesfay, Yonas, Kidane, Mehari, Haile, Amanuel, Berhane, Dawit, Filmon, Robel"),
        _t("Helen, Senait, Mebrat, Tsega, Selam, Freweyni, Lidya, Rahel, Saba, Yordanos"),
        _t("Tesfamariam, Gebremedhin, Haile, Ghebreyesus, Tekle, Berhe, Kidane, Woldu, Habte, Mehari"),
        ("ti",), (("en", 0.4), ("ar", 0.2), ("nl", 0.3))),
    "somali": Origin(
        3,
        _t("Abdi, Mohamed, Abdullahi, Hassan, Ahmed, Ali, Omar, Yusuf"),
        _t("Hodan, Faadumo, Amina, Sahra, Halima, Ayaan, Hibo, Khadra, Ifrah, Deeqa"),
        _t("Warsame, Farah, Osman, Hassan, Abdi, Jama, Mohamud, Nur, Ali, Ismail"),
        ("so",), (("en", 0.4), ("ar", 0.3), ("nl", 0.4))),
    "capeverdean": Origin(
        2,
        _t("José, João, António, Manuel, Djeison"),
        _t("Conceição, Fátima, Inês, Maria, Lúcia"),
        _t("Lopes, Tavares, Fernandes, Gonçalves, Semedo, Monteiro"),
        ("pt",), (("nl", 0.5),)),
    "latin": Origin(
        3,
        _t("Luis, Carlos, Andrés, José, Jesús, Ramón"),
        _t("Yolanda, Rosa, Ángela, María José, Lucía, Dolores"),
        _t("Rodríguez, Martínez, Peña, Gómez, Núñez, Díaz"),
        ("es",), (("en", 0.3), ("nl", 0.3))),
    "francophone": Origin(
        3,
        _t("Koffi, Aimé, Jean-Baptiste, Noël, Serge, Ibrahim"),
        _t("Aïcha, Adjoa, Élodie, Anaïs, Mariam, Rokia"),
        _t("Kouassi, Koné, Diallo, Traoré, Agbéko, Ouédraogo"),
        ("fr",), (("en", 0.2), ("nl", 0.3))),
    "polish": Origin(
        2,
        _t("Piotr, Tomasz, Krzysztof, Paweł"),
        _t("Agnieszka, Małgorzata, Katarzyna, Zofia"),
        _t("Kowalski, Nowak, Wiśniewski, Lewandowski, Zieliński"),
        ("pl",), (("en", 0.5), ("nl", 0.3))),
}

NICKNAMES = _t(
    "Boy, Kenny, Mo, Sjaak, Ma Ria, Oom Eddy, Tante Bea, Dushi, Pipo, Mimi, Tita, Kiki, Lolly, Baba, "
    "Ayo, Sweetie, Bolle, Tanta Lucy, Zus, Broer, Chichi, Pretty, Bigi, Nene")

COORDINATOR_NAMES = _t(
    "Marcia, Kwabena, Ingrid, Roy, Sharmila, Ernestine, Marlon, Akosua, Gracia, Rachid, Xiomara, "
    "Errol, Comfort, Hatice, Glenn, Wendy")
