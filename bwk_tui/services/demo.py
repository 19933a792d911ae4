"""`bwk demo`: fill a new database with realistic synthetic data.

Two scales:

- ``small``: one room, about 300 persons in 130 households, 4,000 visits over the last
  twelve months and a dozen volunteers. Built in a few seconds; for trying the app out.
- ``large``: the benchmark database of DESIGN.md: three rooms, ten years, about 50,000
  persons in 20,000 households, 1,000,000 visits and 300 volunteers. Built in bulk inserts.

Everything is derived from the seed: the same seed and scale give the same data. The only
thing taken from the clock is *now*, the end of the period (today's visitors have not left
yet, and nobody arrives later than now); pass ``now`` to pin it.

Names are those found in Amsterdam Zuidoost: Dutch, Surinamese (Creole, Hindustani,
Javanese), Antillean and Aruban, Ghanaian (Akan day names), Nigerian, Moroccan, Turkish,
Eritrean, Somali, Cape Verdean, Latin American, francophone West African and Polish,
with nicknames now and then and accents for the accent-insensitive search to find.
"""
from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import itertools
import math
import random
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher

from db import describe, is_sqlite, write
from db.connection import database
from db.models import Account, Household, HelpDomain, Person, Room, Visit, VisitDomain

from bwk_tui.services import audit, codes, persons as persons_service, room as room_service
from bwk_tui.services.clock import AMSTERDAM, now_utc, to_local
from bwk_tui.services.errors import BwkError
from bwk_tui.services.text import fold

Progress = Callable[[str], None]


@dataclasses.dataclass(frozen=True)
class DemoSummary:
    coordinator_name: str
    coordinator_pin: str
    persons: int
    households: int
    visits: int
    accounts: int
    rooms: int
    # An active volunteer of the first room, for trying the volunteer's view.
    volunteer_name: str = ""
    volunteer_pin: str = ""


@dataclasses.dataclass(frozen=True)
class Scale:
    rooms: int
    households: int
    visits: int
    days: int  # length of the period, ending today
    volunteers_per_room: int
    # share of persons already registered before the period starts (the room is older)
    existing_share: float
    # mean number of days a visitor keeps coming (exponential), for non-one-off visitors
    mean_span: int
    second_room_share: float  # persons who also visit another room now and then


SCALES: dict[str, Scale] = {
    "small": Scale(rooms=1, households=130, visits=4_000, days=365, volunteers_per_room=12,
                   existing_share=0.55, mean_span=420, second_room_share=0.0),
    "large": Scale(rooms=3, households=20_000, visits=1_000_000, days=3_652, volunteers_per_room=100,
                   existing_share=0.0, mean_span=900, second_room_share=0.06),
}

ROOM_NAMES = ("Buurtwerkkamer Ganzenhoef", "Buurtwerkkamer Kraaiennest", "Buurtwerkkamer Holendrecht")

CONSENT_SCOPE = "registratie en rapportage"
HOUSING_CORPORATIONS = ("Ymere", "Eigen Haard", "Rochdale", "Stadgenoot", "De Key", "particulier")
_HOUSING_WEIGHTS = (30, 20, 15, 12, 8, 10)
_HOUSING_NONE = 0.15

REFERRAL_ORGANISATIONS = (
    "Wijkteam Zuidoost", "Schuldhulpverlening Amsterdam", "Juridisch Loket", "Voedselbank",
    "WPI/Werk en Inkomen", "Huisarts", "Woningcorporatie",
)
# Where a question in a help domain is referred to.
_REFERRALS_BY_DOMAIN = {
    "welzijn": ("Wijkteam Zuidoost", "Huisarts"),
    "zorg": ("Huisarts", "Wijkteam Zuidoost"),
    "wonen": ("Woningcorporatie", "Juridisch Loket", "Wijkteam Zuidoost"),
    "geldzaken": ("WPI/Werk en Inkomen", "Voedselbank", "Wijkteam Zuidoost"),
    "schulden": ("Schuldhulpverlening Amsterdam", "Schuldhulpverlening Amsterdam", "Juridisch Loket"),
    "werk": ("WPI/Werk en Inkomen",),
    "formulieren": ("WPI/Werk en Inkomen", "Juridisch Loket", "Woningcorporatie"),
    "taal": ("Wijkteam Zuidoost",),
}
# How often each help domain comes up: coffee and company most, then forms and letters...
_DOMAIN_WEIGHTS = {
    "koffie": 40, "formulieren": 18, "geldzaken": 14, "wonen": 10, "schulden": 8,
    "welzijn": 8, "zorg": 6, "werk": 5, "taal": 5,
}
_NOTES = (
    "Brief van de Belastingdienst meegenomen, volgende week samen bekijken.",
    "Aanvraag toeslag samen ingevuld.",
    "Komt terug met de papieren van de woningcorporatie.",
    "Wil graag meedoen als vrijwilliger.",
    "Afspraak bij het wijkteam gemaakt.",
    "Vraagt naar taalles op dinsdag.",
    "Herinnering gestuurd voor de energierekening.",
    "DigiD aangevraagd, code komt per post.",
    "Heeft hulp nodig bij het lezen van post.",
    "Doorverwezen voor een voedselpakket.",
)

# PC4 postcodes of Zuidoost and how many households live in each (roughly).
_PC4_WEIGHTS = {1101: 8, 1102: 22, 1103: 20, 1104: 18, 1105: 12, 1106: 10, 1107: 7, 1108: 3}
# For each PC4: the chance that a household's home room is room 1, 2 or 3 (large scale).
_PC4_ROOMS = {
    1101: (0.8, 0.1, 0.1), 1102: (0.8, 0.15, 0.05), 1103: (0.5, 0.4, 0.1), 1104: (0.1, 0.8, 0.1),
    1105: (0.1, 0.1, 0.8), 1106: (0.05, 0.15, 0.8), 1107: (0.05, 0.15, 0.8), 1108: (0.3, 0.3, 0.4),
}

# Registered members per household (1..6) and how often.
_MEMBER_WEIGHTS = (32, 26, 18, 12, 7, 5)

# Acceptance of a visit by weekday (Mon..Sat): busier on Tuesday and Thursday.
_WEEKDAY_WEIGHT = (0.8, 1.0, 0.85, 1.0, 0.7, 0.45, 0.0)

OPENS_AT = 9 * 60 + 30  # minutes after midnight, Amsterdam time
LAST_ARRIVAL = 16 * 60 + 30


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


@dataclasses.dataclass
class _Household:
    origin: str
    pc4: int
    home: int  # room index
    housing: str | None
    size: int | None
    last: str
    created_day: int = 0
    created_sec: int = 0
    id: int = 0
    code: str = ""


@dataclasses.dataclass
class _Person:
    household: _Household
    first: str
    last: str | None
    languages: str
    birth_year: int | None
    consent: bool
    day: int  # day index of registration (negative: before the period)
    sec: int  # second of the day (local) of registration / first visit
    end: int  # last day index this person may visit
    weight: float
    habit: int  # usual arrival, minutes after midnight
    coffee: float  # chance that a visit includes coffee/meeting people
    concerns: tuple[int, ...]  # help domain ids this person mostly comes for
    id: int = 0


@dataclasses.dataclass
class _Volunteer:
    room: int
    name: str
    role: str
    start: int
    end: int
    language: str
    id: int = 0


class _Calendar:
    """Days of the period, which of them each room is open, and UTC offsets."""

    def __init__(self, first: dt.date, days: int, rooms: int):
        self.first = first
        self.dates = [first + dt.timedelta(days=i) for i in range(days)]
        self.today = len(self.dates) - 1
        holidays = set()
        for year in range(first.year - 1, self.dates[-1].year + 2):
            holidays |= _holidays(year)
        self.base_utc: list[dt.datetime] = []
        for day in self.dates:
            offset = AMSTERDAM.utcoffset(dt.datetime(day.year, day.month, day.day, 12))
            self.base_utc.append(dt.datetime(day.year, day.month, day.day) - offset)
        # per room: open day indices, their acceptance weight, and prefix counts
        self.open: list[list[int]] = []
        self.accept: list[list[float]] = []
        for room in range(rooms):
            opened, weights = [], []
            for index, day in enumerate(self.dates):
                weight = _WEEKDAY_WEIGHT[day.weekday()]
                if day in holidays or weight == 0:
                    continue
                if day.weekday() == 5 and not _saturday_open(room, day):
                    continue
                opened.append(index)
                weights.append(weight)
            top = max(weights)
            self.open.append(opened)
            self.accept.append([w / top for w in weights])

    def next_open(self, room: int, day: int) -> int | None:
        """The first open day index >= day of ``room`` (None when past the period)."""
        opened = self.open[room]
        pos = bisect.bisect_left(opened, day)
        return opened[pos] if pos < len(opened) else None

    def prev_open(self, room: int, day: int) -> int | None:
        opened = self.open[room]
        pos = bisect.bisect_left(opened, day) - 1
        return opened[pos] if pos >= 0 else None

    def position(self, room: int, day: int) -> int:
        """Index into ``open[room]`` of the first open day >= day."""
        return bisect.bisect_left(self.open[room], day)

    def date(self, day: int) -> dt.date:
        return self.first + dt.timedelta(days=day)

    def utc(self, day: int, sec: int) -> dt.datetime:
        """Local second ``sec`` of day index ``day`` as naive UTC (any day, also outside the period)."""
        if 0 <= day < len(self.base_utc):
            return self.base_utc[day] + dt.timedelta(seconds=sec)
        local = dt.datetime.combine(self.date(day), dt.time()) + dt.timedelta(seconds=sec)
        return local.replace(tzinfo=AMSTERDAM).astimezone(dt.timezone.utc).replace(tzinfo=None)


def _saturday_open(room: int, day: dt.date) -> bool:
    """Each room opens some Saturdays: 1st and 3rd, 2nd and 4th, or the last of the month."""
    nth = (day.day - 1) // 7  # 0 = first Saturday of the month
    if room % 3 == 0:
        return nth in (0, 2)
    if room % 3 == 1:
        return nth in (1, 3)
    return (day + dt.timedelta(days=7)).month != day.month


def _easter(year: int) -> dt.date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _holidays(year: int) -> set[dt.date]:
    """Dutch public holidays on which the rooms are closed."""
    easter = _easter(year)
    kings_day = dt.date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday it moves to the Saturday before
        kings_day -= dt.timedelta(days=1)
    return {
        dt.date(year, 1, 1),
        easter + dt.timedelta(days=1),  # Easter Monday
        kings_day,
        easter + dt.timedelta(days=39),  # Ascension Day
        easter + dt.timedelta(days=50),  # Whit Monday
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    }


def _choice(rng: random.Random, items: Sequence, cum: Sequence[float]):
    return items[bisect.bisect(cum, rng.random() * cum[-1])]


def _cum(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def build_demo(seed: int = 1, scale: str = "small", progress: Progress | None = None,
               now: dt.datetime | None = None) -> DemoSummary:
    """Fill the opened, migrated, empty database with a demo room (or three).

    ``now`` (naive UTC, default: the clock) ends the period. Returns what was made,
    including the demo coordinator's name and PIN.
    """
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; choose from {', '.join(SCALES)}")
    if (Room.select().exists() or Account.select().exists() or Person.select().exists()
            or Visit.select().exists()):
        raise BwkError("error.demo_not_empty", path=describe())
    return _Builder(seed, scale, progress or (lambda _line: None), now or now_utc()).build()


class _Builder:
    def __init__(self, seed: int, scale: str, progress: Progress, now: dt.datetime):
        self.seed = seed
        self.scale_name = scale
        self.scale = SCALES[scale]
        self.progress = progress
        self.now = now
        local_now = to_local(now)
        self.now_sec = local_now.hour * 3600 + local_now.minute * 60 + local_now.second
        self.calendar = _Calendar(local_now.date() - dt.timedelta(days=self.scale.days - 1),
                                  self.scale.days, self.scale.rooms)
        domains = {d.code: d.id for d in HelpDomain.select().where(HelpDomain.active == True)}  # noqa: E712
        if not domains:
            raise ValueError("the database has no help domains: is it migrated?")
        self.domain_code = {v: k for k, v in domains.items()}
        self.coffee = domains.get("koffie")
        concern_codes = [c for c in domains if c != "koffie"] or list(domains)
        self.concern_ids = [domains[c] for c in concern_codes]
        self.concern_cum = _cum(_DOMAIN_WEIGHTS.get(c, 5) for c in concern_codes)
        self.all_ids = list(domains.values())
        self.all_cum = _cum(_DOMAIN_WEIGHTS.get(c, 5) for c in domains)

    def rng(self, part: str) -> random.Random:
        return random.Random(f"bwk-demo:{self.seed}:{self.scale_name}:{part}")

    # -- the whole build ---------------------------------------------------------------

    def build(self) -> DemoSummary:
        scale = self.scale
        self.progress(f"demo ({self.scale_name}, seed {self.seed}): rooms and coordinator")
        rng = self.rng("coordinator")
        coordinator_name = rng.choice(COORDINATOR_NAMES)
        coordinator_pin = _make_pin(rng, rng.choice((4, 5, 6)))
        coordinator = room_service.set_up(ROOM_NAMES[0], coordinator_name, coordinator_pin)
        rooms = [room_service.current_room().id]
        for name in ROOM_NAMES[1:scale.rooms]:
            rooms.append(room_service.ensure_room(name).id)
        self.room_ids = rooms

        households, persons = self.make_people()
        self.progress(f"demo: {len(persons)} persons in {len(households)} households")
        volunteers = self.make_accounts(coordinator.id, coordinator_name, persons)
        self.progress(f"demo: {len(volunteers) + 1} accounts")
        self.insert_people(households, persons, volunteers)
        visits = self.make_and_insert_visits(persons, volunteers)
        with write():
            audit.record(None, "demo.build", "", None, f"seed={self.seed} scale={self.scale_name}")
        self.finish()
        volunteer = next((v for v in volunteers if v.room == 0 and v.role == "volunteer"
                          and v.end >= self.calendar.today), None)
        return DemoSummary(
            coordinator_name=coordinator_name,
            coordinator_pin=coordinator_pin,
            persons=len(persons),
            households=len(households),
            visits=visits,
            accounts=len(volunteers) + 1,
            rooms=len(rooms),
            volunteer_name=volunteer.name if volunteer else "",
            volunteer_pin=self.pins.get(volunteer.id, "") if volunteer else "",
        )

    # -- households and persons --------------------------------------------------------

    def make_people(self) -> tuple[list[_Household], list[_Person]]:
        rng = self.rng("people")
        scale, cal = self.scale, self.calendar
        origin_names = list(ORIGINS)
        origin_cum = _cum(ORIGINS[o].weight for o in origin_names)
        pc4s = list(_PC4_WEIGHTS)
        pc4_cum = _cum(_PC4_WEIGHTS.values())
        housing_cum = _cum(_HOUSING_WEIGHTS)
        member_cum = _cum(_MEMBER_WEIGHTS)
        days = scale.days
        this_year = cal.dates[-1].year
        households: list[_Household] = []
        persons: list[_Person] = []
        for _ in range(scale.households):
            origin_name = _choice(rng, origin_names, origin_cum)
            origin = ORIGINS[origin_name]
            pc4 = _choice(rng, pc4s, pc4_cum)
            home = 0
            if scale.rooms > 1:
                home = _choice(rng, range(3), _cum(_PC4_ROOMS[pc4]))
                home = min(home, scale.rooms - 1)
            housing = None if rng.random() < _HOUSING_NONE else _choice(rng, HOUSING_CORPORATIONS, housing_cum)
            members = _choice(rng, range(1, 7), member_cum)
            size = None if rng.random() < 0.3 else min(30, members + (rng.random() < 0.3) * rng.randint(1, 3))
            household = _Household(origin_name, pc4, home, housing, size, rng.choice(origin.last))
            # When the household first came in: before the period, or during it.
            if rng.random() < scale.existing_share:
                start = -rng.randint(14, 1500)
            elif scale.existing_share == 0 and rng.random() < 0.12:
                start = rng.randint(0, 90)  # the room's first months
            else:
                start = rng.randrange(days)
            adult_year = rng.randint(max(1940, this_year - 85), this_year - 20)
            for member in range(members):
                if member == 0:
                    day = start
                elif rng.random() < 0.5:
                    day = start  # came in together
                else:
                    day = start + int(rng.expovariate(1 / 200))
                person = self.make_person(rng, household, origin, member, day, adult_year)
                if person is not None:
                    persons.append(person)
            if any(p.household is household for p in persons[-members:]):
                households.append(household)
        # Ids in order of registration.
        persons.sort(key=lambda p: (p.day, p.sec))
        for index, person in enumerate(persons, 1):
            person.id = index
        first_seen: dict[int, _Person] = {}
        for person in persons:
            first_seen.setdefault(id(person.household), person)
        households.sort(key=lambda h: (first_seen[id(h)].day, first_seen[id(h)].sec))
        code_rng = self.rng("codes")
        used: set[str] = set()
        for index, household in enumerate(households, 1):
            household.id = index
            first = first_seen[id(household)]
            household.created_day, household.created_sec = first.day, first.sec
            code = codes.random_code(code_rng)
            while code in used:
                code = codes.random_code(code_rng)
            used.add(code)
            household.code = code
        return households, persons

    def make_person(self, rng: random.Random, household: _Household, origin: Origin, member: int,
                    day: int, adult_year: int) -> _Person | None:
        cal = self.calendar
        home = household.home
        # Registered at a first visit on an open day; before the period: any weekday.
        sec = _arrival_minute(rng, rng.choice((600, 660, 840, 900))) * 60 + rng.randrange(60)
        if day >= 0:
            snapped = cal.next_open(home, day)
            if snapped is None:
                return None  # would come after today
            day = snapped
            if day == cal.today and sec > self.now_sec:
                day = cal.prev_open(home, day)
                if day is None:
                    return None
        female = rng.random() < 0.55
        if origin is ORIGINS["dutch"] or rng.random() < 0.85:
            first = rng.choice(origin.female if female else origin.male)
        else:  # children and partners often have names from elsewhere
            other = ORIGINS[rng.choice(("dutch", "sur_creole", "antillean", "ghanaian"))]
            first = rng.choice(other.female if female else other.male)
        last: str | None = household.last if rng.random() < 0.9 else rng.choice(origin.last)
        if rng.random() < 0.07:
            first = rng.choice(NICKNAMES)
            if rng.random() < 0.6:
                last = None
        elif rng.random() < 0.12:
            last = None
        languages = list(origin.languages)
        young = member > 0 and rng.random() < 0.4
        for code, chance in origin.maybe:
            if code not in languages and rng.random() < (chance + 0.4 if young and code == "nl" else chance):
                languages.append(code)
        if "nl" in languages:
            languages.remove("nl")
            languages.insert(0, "nl")
        youngest = cal.dates[-1].year - 12
        if young:  # a child of the first member
            birth_year = rng.randint(adult_year + 18, max(adult_year + 18, min(adult_year + 42, youngest)))
        else:  # the first member or a partner
            birth_year = adult_year + rng.randint(-8, 8) if member else adult_year
        birth_year = min(birth_year, youngest)
        # How often this person comes, and for how long they keep coming.
        kind = rng.random()
        if kind < 0.12:  # the regulars
            weight = rng.uniform(6, 15)
            span = rng.expovariate(1 / (self.scale.mean_span * 1.6))
        elif kind < 0.40:
            weight = rng.uniform(1.5, 4)
            span = rng.expovariate(1 / self.scale.mean_span)
        elif kind < 0.78:
            weight = rng.uniform(0.2, 1.0)
            span = rng.expovariate(1 / self.scale.mean_span)
        else:  # came once or twice
            weight = rng.uniform(0.2, 1.0)
            span = rng.uniform(0, 40)
        # Registered before the period: still coming at its start, for ``span`` more days.
        end = min(cal.today, max(day, 0) + int(span))
        concerns = tuple({_choice(rng, self.concern_ids, self.concern_cum) for _ in range(rng.randint(1, 3))})
        coffee = rng.uniform(0.55, 0.95) if weight > 4 else rng.uniform(0.2, 0.7)
        habit = _arrival_minute(rng)
        return _Person(household, first, last, ",".join(languages),
                       birth_year if rng.random() < 0.55 else None, rng.random() < 0.92,
                       day, sec, end, weight, habit, coffee, concerns)

    # -- accounts ----------------------------------------------------------------------

    def make_accounts(self, coordinator_id: int, coordinator_name: str,
                      persons: list[_Person]) -> list[_Volunteer]:
        rng = self.rng("accounts")
        scale, cal = self.scale, self.calendar
        taken = {fold(coordinator_name)}
        by_room: dict[int, list[_Person]] = {}
        for person in persons:
            by_room.setdefault(person.household.home, []).append(person)
        accounts: list[_Volunteer] = []

        def name_for(room: int) -> str:
            pool = by_room.get(room) or persons
            while True:
                person = rng.choice(pool)
                candidates = [person.first]
                if person.last:
                    candidates += [f"{person.first} {person.last[0].upper()}.", f"{person.first} {person.last}"]
                for candidate in candidates:
                    key = fold(candidate)
                    if key not in taken and len(candidate) <= 60:
                        taken.add(key)
                        return candidate

        for room in range(scale.rooms):
            extra_coordinators = (rng.random() < 0.5) if room == 0 else rng.randint(1, 2)
            for _ in range(int(extra_coordinators)):
                start = -rng.randint(30, 900) if scale.existing_share else rng.randint(0, scale.days // 3)
                accounts.append(_Volunteer(room, name_for(room), "coordinator", start, cal.today, "nl"))
            for number in range(scale.volunteers_per_room):
                if scale.existing_share:  # small: most volunteers were there before the year began
                    start = -rng.randint(30, 1500) if number < scale.volunteers_per_room * 3 // 4 \
                        else rng.randrange(scale.days)
                    end = cal.today if rng.random() < 0.85 else rng.randint(max(start, 0), cal.today)
                else:
                    start = rng.randint(-30, 60) if number < 12 else rng.randrange(scale.days)
                    end = min(cal.today, start + 120 + int(rng.expovariate(1 / 1100)))
                    if rng.random() < 0.25:
                        end = cal.today  # stayed
                language = "en" if rng.random() < 0.1 else "nl"
                accounts.append(_Volunteer(room, name_for(room), "volunteer", start, end, language))
        accounts.sort(key=lambda a: (a.start, a.room))
        first_id = (Account.select(Account.id).order_by(Account.id.desc()).scalar() or 0) + 1
        for index, account in enumerate(accounts, first_id):
            account.id = index
        self.coordinator_id = coordinator_id
        # The coordinator who records consent for each room.
        self.room_coordinator = {0: coordinator_id}
        for account in accounts:
            if account.role == "coordinator":
                self.room_coordinator.setdefault(account.room, account.id)
        for room in range(scale.rooms):
            self.room_coordinator.setdefault(room, coordinator_id)
        # PINs: one PIN (and one real argon2id hash) per group of 20 accounts, so that
        # 300 accounts take seconds, not half a minute.
        groups = [accounts[i:i + 20] for i in range(0, len(accounts), 20)]
        group_pins = [_make_pin(rng, 4) for _ in groups]
        hasher = PasswordHasher()
        with ThreadPoolExecutor(max_workers=2) as pool:
            hashes = list(pool.map(hasher.hash, group_pins))
        self.pins: dict[int, str] = {}
        self.pin_hash: dict[int, str] = {}
        for group, pin, pin_hash in zip(groups, group_pins, hashes):
            for account in group:
                self.pins[account.id] = pin
                self.pin_hash[account.id] = pin_hash
        return accounts

    # -- inserting ---------------------------------------------------------------------

    def insert_people(self, households: list[_Household], persons: list[_Person],
                      accounts: list[_Volunteer]) -> None:
        cal = self.calendar
        period_start = cal.utc(0, 8 * 3600)
        with write():
            # The demo coordinator has run the room since before the period began.
            Account.update({Account.created_at: period_start - dt.timedelta(days=400)}).where(
                Account.id == self.coordinator_id).execute()
        _insert(Account, [Account.id, Account.name, Account.name_key, Account.role, Account.language,
                          Account.pin_hash, Account.active, Account.created_at],
                ((a.id, a.name, fold(a.name), a.role, a.language, self.pin_hash[a.id],
                  a.end >= cal.today - 90, cal.utc(a.start, 10 * 3600))
                 for a in accounts))
        _insert(Household, [Household.id, Household.code, Household.pc4, Household.size, Household.created_at],
                ((h.id, h.code, h.pc4, h.size, cal.utc(h.created_day, h.created_sec)) for h in households))
        scope = CONSENT_SCOPE

        def person_rows() -> Iterator[tuple]:
            for p in persons:
                household = p.household
                created = cal.utc(p.day, p.sec)
                consent_by = self.room_coordinator[household.home] if p.consent else None
                yield (p.id, p.first, p.last,
                       fold(" ".join(filter(None, [p.first, p.last, household.code]))),
                       household.id, household.pc4, p.languages, household.housing,
                       p.birth_year, created.date() if p.consent else None,
                       scope if p.consent else None, consent_by, created)

        _insert(Person, [Person.id, Person.first_name, Person.last_name, Person.search_key, Person.household,
                         Person.pc4, Person.languages, Person.housing_corporation, Person.birth_year,
                         Person.consent_date, Person.consent_scope, Person.consent_by, Person.created_at],
                person_rows())

    # -- visits ------------------------------------------------------------------------

    def make_and_insert_visits(self, persons: list[_Person], accounts: list[_Volunteer]) -> int:
        keys = self.visit_keys(persons)
        self.progress(f"demo: {len(keys)} visits to insert")
        rng = self.rng("visit-details")
        cal = self.calendar
        by_id = {p.id: p for p in persons}
        crews = self.crews(accounts)
        room_ids = self.room_ids
        coffee = self.coffee
        concern_ids, concern_cum = self.concern_ids, self.concern_cum
        all_ids, all_cum = self.all_ids, self.all_cum
        domain_code = self.domain_code
        referrals = {d: _REFERRALS_BY_DOMAIN.get(c, REFERRAL_ORGANISATIONS) for d, c in domain_code.items()}
        dates, base_utc, today = cal.dates, cal.base_utc, cal.today
        random_ = rng.random
        week = dt.timedelta(days=7)
        domain_rows: list[tuple[int, int]] = []

        def visit_rows() -> Iterator[tuple]:
            for visit_id, key in enumerate(keys, 1):
                person_id = key & 0xFFFFF
                rest = key >> 20
                room = rest & 7
                day, sec = divmod(rest >> 3, 86400)
                person = by_id[person_id]
                arrived = base_utc[day] + dt.timedelta(seconds=sec)
                if day == today:
                    left = None
                else:
                    minute = sec // 60
                    longest = max(20, min(150, LAST_ARRIVAL + 60 - minute))
                    left = arrived + dt.timedelta(minutes=rng.randint(20, longest), seconds=rng.randrange(60))
                # help domains: 1-3, mostly this person's own concerns, often with coffee
                wanted = 1 if (r := random_()) < 0.55 else (2 if r < 0.88 else 3)
                chosen = [coffee] if coffee is not None and random_() < person.coffee else []
                tries = 0
                while len(chosen) < wanted and tries < 12:
                    tries += 1
                    if random_() < 0.8:
                        domain = person.concerns[int(random_() * len(person.concerns))]
                    elif random_() < 0.7:
                        domain = _choice(rng, concern_ids, concern_cum)
                    else:
                        domain = _choice(rng, all_ids, all_cum)
                    if domain not in chosen:
                        chosen.append(domain)
                for domain in chosen:
                    domain_rows.append((visit_id, domain))
                referral = follow_up = note = None
                serious = [d for d in chosen if d != coffee]
                if serious:
                    if random_() < 0.11:
                        organisations = referrals[serious[int(random_() * len(serious))]]
                        referral = organisations[int(random_() * len(organisations))]
                    if random_() < 0.08:
                        follow_up = dates[day] + week * (1 + int(random_() * 3))
                    if random_() < 0.03:
                        note = _NOTES[int(random_() * len(_NOTES))]
                crew = crews[room][day]
                recorded_by = crew[int(random_() * len(crew))]
                yield (visit_id, person_id, room_ids[room], dates[day], arrived, left, referral,
                       follow_up, note, recorded_by)

        fields = [Visit.id, Visit.person, Visit.room, Visit.visit_date, Visit.arrived_at, Visit.left_at,
                  Visit.referral, Visit.follow_up_date, Visit.note, Visit.recorded_by]
        total = len(keys)
        step = max(50_000, -(-total // 10))
        rows = visit_rows()
        done = 0
        while done < total:
            batch = list(itertools.islice(rows, step))
            _insert(Visit, fields, batch)
            _insert(VisitDomain, [VisitDomain.visit, VisitDomain.domain], domain_rows)
            domain_rows.clear()
            done += len(batch)
            if total > step:
                self.progress(f"demo: {done}/{total} visits")
        return total

    def visit_keys(self, persons: list[_Person]) -> list[int]:
        """Every visit as one sortable int: (day, second, room, person), in time order.

        A visitor keeps coming from registration until ``end`` at a personal rate; the
        rates are scaled so that the total comes out near the scale's number of visits.
        """
        rng = self.rng("visits")
        cal, scale = self.calendar, self.scale
        streams = []  # (person, room, weight, forced first visit)
        two_rooms: set[int] = set()  # persons who also visit a second room
        for person in persons:
            streams.append((person, person.household.home, person.weight, person.day >= 0))
            if scale.rooms > 1 and rng.random() < scale.second_room_share:
                other = rng.choice([r for r in range(scale.rooms) if r != person.household.home])
                streams.append((person, other, person.weight * 0.15, False))
                two_rooms.add(person.id)
        forced = sum(1 for s in streams if s[3])
        mass = 0.0
        spans = []
        for person, room, weight, first in streams:
            start = max(person.day, 0)
            lo = cal.position(room, start) + (1 if first else 0)
            hi = cal.position(room, person.end + 1)  # exclusive
            spans.append((lo, hi))
            mass += weight * max(hi - lo, 0)
        remaining = max(scale.visits - forced, 0)
        mean_accept = [sum(a) / len(a) for a in cal.accept]
        keys: list[int] = []
        append = keys.append
        today, now_sec = cal.today, self.now_sec
        log = math.log
        seen: dict[int, set[int]] = {}  # days of the home room, to keep the second room off them
        for (person, room, weight, first), (lo, hi) in zip(streams, spans):
            opened, accept = cal.open[room], cal.accept[room]
            home = room == person.household.home
            days = seen.setdefault(person.id, set()) if person.id in two_rooms else None
            habit = person.habit

            def add(day: int, sec: int) -> None:
                if day == today and sec > now_sec:
                    return  # has not come in yet
                if days is not None:
                    if not home and day in days:
                        return
                    days.add(day)
                append((((day * 86400 + sec) << 3 | room) << 20) | person.id)

            if first:
                add(person.day, person.sec)
            n = hi - lo
            if n <= 0 or mass <= 0:
                continue
            expected = remaining * weight * n / mass
            p = min(0.9, expected / (n * mean_accept[room]))
            if p <= 0:
                continue
            log_q = log(1 - p)
            pos = lo - 1
            while True:
                pos += 1 + int(log(1.0 - rng.random()) / log_q)
                if pos >= hi:
                    break
                if rng.random() < accept[pos]:
                    minute = min(LAST_ARRIVAL - 1, max(OPENS_AT, int(rng.gauss(habit, 45))))
                    add(opened[pos], minute * 60 + rng.randrange(60))
        keys.sort()
        return keys

    def crews(self, accounts: list[_Volunteer]) -> list[dict[int, tuple[int, ...]]]:
        """Per room, per open day: the 2-4 accounts at the desk who record the visits."""
        rng = self.rng("crews")
        cal = self.calendar
        result = []
        for room in range(self.scale.rooms):
            volunteers = [a for a in accounts if a.room == room and a.role == "volunteer"]
            coordinators = [self.room_coordinator[room]] + [
                a.id for a in accounts if a.room == room and a.role == "coordinator"
                and a.id != self.room_coordinator[room]]
            per_day: dict[int, tuple[int, ...]] = {}
            for day in cal.open[room]:
                active = [v.id for v in volunteers if v.start <= day <= v.end]
                crew = rng.sample(active, min(len(active), rng.randint(2, 4)))
                if not crew or rng.random() < 0.15:
                    crew.append(coordinators[int(rng.random() * len(coordinators))])
                per_day[day] = tuple(crew)
            result.append(per_day)
        return result

    def finish(self) -> None:
        db = database.obj
        self.progress("demo: last visit per person")
        persons_service.recompute_last_visit_dates()
        if not is_sqlite(db):
            # Ids were given explicitly: move the sequences past them.
            for model in (Account, Household, Person, Visit):
                table = model._meta.table_name
                db.execute_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)")
        self.progress("demo: analysing")
        db.execute_sql("ANALYZE")


def _arrival_minute(rng: random.Random, centre: int | None = None) -> int:
    """A plausible arrival, minutes after midnight: busiest mid-morning and early afternoon."""
    if centre is None:
        centre = rng.choice((600, 630, 660, 690, 810, 840, 870, 900, 930))
    return min(LAST_ARRIVAL - 1, max(OPENS_AT, int(rng.gauss(centre, 25))))


def _make_pin(rng: random.Random, length: int) -> str:
    """A PIN that is not all one digit and not a straight run like 1234."""
    while True:
        pin = "".join(rng.choice("0123456789") for _ in range(length))
        steps = {int(b) - int(a) for a, b in zip(pin, pin[1:])}
        if len(steps) > 1 and pin[0] != "0":
            return pin


def _chunk_rows(fields: int) -> int:
    """Rows per INSERT: stay below SQLite's limit on bound parameters."""
    limit = 32_766 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999
    return max(1, min(2_000, limit // fields))


def _insert(model, fields: list, rows: Iterable[tuple], per_transaction: int = 50_000) -> None:
    """Bulk insert in chunks, committing every ``per_transaction`` rows."""
    size = _chunk_rows(len(fields))
    iterator = iter(rows)
    while True:
        block = list(itertools.islice(iterator, per_transaction))
        if not block:
            return
        with write():
            for start in range(0, len(block), size):
                model.insert_many(block[start:start + size], fields=fields).as_rowcount().execute()
