"""The pulse's question bank, and which of its questions each week asks.

A few questions a week only give managers a whole picture if they rotate well: everyone is
asked the same ones in a given week (so teams compare), consecutive weeks ask about different
drivers, every driver and every question (custom ones too) comes back within a few weeks, and
eNPS is asked once a month. Pure Python, decided from nothing but the week, so every process
agrees.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

KEY_MAX_CHARS = 40
"""Keys are stored in 40-character columns and travel in Slack action ids."""
KEY_PATTERN = re.compile(r"[a-z0-9_]+")
"""Keys are stable ids that appear in Slack action ids and JSON: plain ASCII keeps them safe."""
TEXT_MAX_CHARS = 150
"""A question is also shown in a header-like line, and Slack headers stop at 150 characters."""
LABEL_MAX_CHARS = 30
"""End labels sit under a row of score buttons; longer labels wrap and push the buttons apart."""

ENPS_QUESTION_KEY = "enps"


class Scale(StrEnum):
    """How a question is answered; the value is what storage keeps."""

    LIKERT = "likert5"  # 1..5 with labelled ends
    ENPS = "enps"  # 0..10, the standard employee Net Promoter Score range


class Driver(StrEnum):
    """What a question measures: the digest groups answers by driver.

    The order here is the order drivers take turns in the weekly rotation.
    """

    RECOGNITION = "recognition"
    COMMUNICATION = "communication"
    INTERNAL_SERVICE = "internal_service"
    WORKLOAD = "workload"
    GROWTH = "growth"
    WELLBEING = "wellbeing"
    MANAGER = "manager"
    ALIGNMENT = "alignment"
    ENPS = "enps"


@dataclass(frozen=True)
class BankQuestion:
    """One question of the bank, in both languages, with the labels of its scale's two ends.

    The labels belong to the question rather than to the scale because they must match its
    wording: an agree/disagree statement and a "how well...?" question need different ends.
    Limits (KEY_MAX_CHARS, TEXT_MAX_CHARS, LABEL_MAX_CHARS) are checked where admins type a
    custom question, so they get a readable message; this class only carries the data.
    """

    key: str
    driver: Driver
    scale: Scale
    text_en: str
    text_es: str
    low_en: str
    high_en: str
    low_es: str
    high_es: str

    def text(self, lang: str) -> str:
        """The question in `lang` ("es" or anything else for English, as elsewhere in Aplauso)."""
        return self.text_es if lang == "es" else self.text_en

    def low(self, lang: str) -> str:
        """The label of the scale's lowest score in `lang`."""
        return self.low_es if lang == "es" else self.low_en

    def high(self, lang: str) -> str:
        """The label of the scale's highest score in `lang`."""
        return self.high_es if lang == "es" else self.high_en

    @property
    def scores(self) -> range:
        """The buttons a person can press: 0-10 for eNPS, 1-5 otherwise."""
        return range(0, 11) if self.scale == Scale.ENPS else range(1, 6)


# End labels. Statements ("I feel valued...") take the agree scale; questions ("How well...?",
# "Did they...?") take labels that answer them, so a 1 or a 5 reads as a natural reply.
_AGREE = (
    "Strongly disagree",
    "Strongly agree",
    "Totalmente en desacuerdo",
    "Totalmente de acuerdo",
)
_EXTENT = ("Not at all", "Completely", "Nada", "Totalmente")
_QUALITY = ("Very poorly", "Very well", "Muy mal", "Muy bien")
_LIKELY = ("Not likely", "Extremely likely", "Nada probable", "Extremadamente probable")


def _likert(
    key: str, driver: Driver, text_en: str, text_es: str, labels: tuple[str, str, str, str]
) -> BankQuestion:
    low_en, high_en, low_es, high_es = labels
    return BankQuestion(
        key=key,
        driver=driver,
        scale=Scale.LIKERT,
        text_en=text_en,
        text_es=text_es,
        low_en=low_en,
        high_en=high_en,
        low_es=low_es,
        high_es=high_es,
    )


_R = Driver.RECOGNITION
_C = Driver.COMMUNICATION
_S = Driver.INTERNAL_SERVICE
_W = Driver.WORKLOAD
_G = Driver.GROWTH
_B = Driver.WELLBEING
_M = Driver.MANAGER
_A = Driver.ALIGNMENT

DEFAULT_BANK: tuple[BankQuestion, ...] = (
    # Recognition: half of employees say their bosses do not make them feel valued.
    _likert(
        "recognition_valued",
        _R,
        "I feel valued for the work I do.",
        "Siento que se valora el trabajo que hago.",
        _AGREE,
    ),
    _likert(
        "recognition_thanked_this_week",
        _R,
        "This week, someone thanked me for something specific I did well.",
        "Esta semana alguien me dio las gracias por algo concreto que hice bien.",
        _AGREE,
    ),
    _likert(
        "recognition_internal_service",
        _R,
        "Good service to other teams is noticed and recognized here.",
        "Aquí se nota y se reconoce el buen servicio a otros equipos.",
        _AGREE,
    ),
    _likert(
        "recognition_peers",
        _R,
        "My team thanks each other for help, not just for results.",
        "En mi equipo nos damos las gracias por la ayuda, no solo por los resultados.",
        _AGREE,
    ),
    # Communication: open channels and staying reachable are one of the four remedies.
    _likert(
        "communication_informed",
        _C,
        "I get the information I need to do my job well.",
        "Recibo la información que necesito para hacer bien mi trabajo.",
        _AGREE,
    ),
    _likert(
        "communication_speak_up",
        _C,
        "I can raise a problem or disagree without fear.",
        "Puedo plantear un problema o discrepar sin miedo.",
        _AGREE,
    ),
    _likert(
        "communication_changes_ahead",
        _C,
        "I hear about changes that affect me before they happen.",
        "Me entero de los cambios que me afectan antes de que ocurran.",
        _AGREE,
    ),
    _likert(
        "communication_reachable",
        _C,
        "When I have a question, I know who to ask and I can reach them.",
        "Cuando tengo una duda, sé a quién preguntar y consigo hablar con esa persona.",
        _AGREE,
    ),
    # Internal service, in both directions and taking turns: how well other teams served us
    # (timely, reliable, knowledgeable, convenient, honest) and how well we served them
    # (helpful, reliable, knowing what our internal customers need, empowered).
    _likert(
        "internal_received_timely_reliable",
        _S,
        "When you needed another team this week, did they answer quickly and keep their promises?",
        "Cuando necesitaste a otro equipo esta semana, ¿te respondieron rápido y cumplieron lo prometido?",
        _EXTENT,
    ),
    _likert(
        "internal_given_quality",
        _S,
        "How well did my team serve the teams that needed us this week?",
        "¿Cómo atendió mi equipo a los equipos que nos necesitaron esta semana?",
        _QUALITY,
    ),
    _likert(
        "internal_received_knowledgeable",
        _S,
        "The teams I depend on know their work and explain it clearly.",
        "Los equipos de los que dependo conocen su trabajo y lo explican con claridad.",
        _AGREE,
    ),
    _likert(
        "internal_given_warn_early",
        _S,
        "When my team cannot keep a promise to another team, we warn them early.",
        "Cuando mi equipo no puede cumplir un compromiso con otro equipo, avisamos con tiempo.",
        _AGREE,
    ),
    _likert(
        "internal_received_easy",
        _S,
        "It is easy to get help from other teams when I need it.",
        "Es fácil conseguir ayuda de otros equipos cuando la necesito.",
        _AGREE,
    ),
    _likert(
        "internal_given_know_needs",
        _S,
        "I know what the teams that depend on my work need from me.",
        "Sé lo que necesitan de mí los equipos que dependen de mi trabajo.",
        _AGREE,
    ),
    _likert(
        "internal_received_honest",
        _S,
        "When another team makes a mistake that affects me, they own it and fix it.",
        "Cuando otro equipo comete un error que me afecta, lo reconoce y lo corrige.",
        _AGREE,
    ),
    _likert(
        "internal_given_empowered",
        _S,
        "I can decide how to solve another team's request without asking for permission.",
        "Puedo decidir cómo resolver la petición de otro equipo sin pedir permiso.",
        _AGREE,
    ),
    # Workload: careless service often starts with people who have no time to do it well.
    _likert(
        "workload_manageable",
        _W,
        "My workload this week was manageable.",
        "Mi carga de trabajo de esta semana fue manejable.",
        _AGREE,
    ),
    _likert(
        "workload_time_to_do_well",
        _W,
        "I have enough time to do my work well, not just fast.",
        "Tengo tiempo suficiente para hacer bien mi trabajo, no solo rápido.",
        _AGREE,
    ),
    _likert(
        "workload_priorities",
        _W,
        "When everything is urgent, I know what to do first.",
        "Cuando todo es urgente, sé qué hacer primero.",
        _AGREE,
    ),
    _likert(
        "workload_tools",
        _W,
        "I have the tools and resources I need to do my job.",
        "Tengo las herramientas y los recursos que necesito para hacer mi trabajo.",
        _AGREE,
    ),
    # Growth: training people in service is one of the four remedies.
    _likert(
        "growth_learning",
        _G,
        "I am learning things that make me better at my job.",
        "Estoy aprendiendo cosas que me hacen mejor en mi trabajo.",
        _AGREE,
    ),
    _likert(
        "growth_trained_to_serve",
        _G,
        "I have been taught what I need to serve my customers well, inside and outside the company.",
        "Me han enseñado lo que necesito para atender bien a mis clientes, internos y externos.",
        _AGREE,
    ),
    _likert(
        "growth_skills_used",
        _G,
        "My work lets me use and develop my skills.",
        "Mi trabajo me permite usar y desarrollar mis capacidades.",
        _AGREE,
    ),
    _likert(
        "growth_future_here",
        _G,
        "I can see a future for myself in this company.",
        "Veo un futuro para mí en esta empresa.",
        _AGREE,
    ),
    # Wellbeing: people who are treated badly cannot be expected to serve others well.
    _likert(
        "wellbeing_energy",
        _B,
        "I am ending this week with energy left for my life outside work.",
        "Llego al final de esta semana con energía para mi vida fuera del trabajo.",
        _AGREE,
    ),
    _likert(
        "wellbeing_disconnect",
        _B,
        "I can disconnect from work outside my working hours.",
        "Puedo desconectar del trabajo fuera de mi horario laboral.",
        _AGREE,
    ),
    _likert(
        "wellbeing_respect",
        _B,
        "People here treat me with respect and courtesy.",
        "Aquí me tratan con respeto y amabilidad.",
        _AGREE,
    ),
    _likert(
        "wellbeing_stress",
        _B,
        "My stress at work is at a level I can handle.",
        "Mi nivel de estrés en el trabajo es llevadero.",
        _AGREE,
    ),
    # Manager: the relationship with one's manager, where feeling valued is won or lost.
    _likert(
        "manager_listens",
        _M,
        "My manager listens to me and takes my opinion into account.",
        "Mi responsable me escucha y tiene en cuenta mi opinión.",
        _AGREE,
    ),
    _likert(
        "manager_acts_on_feedback",
        _M,
        "When I give my manager feedback, they act on it.",
        "Cuando le doy sugerencias a mi responsable, actúa en consecuencia.",
        _AGREE,
    ),
    _likert(
        "manager_recognizes",
        _M,
        "My manager notices and recognizes when I do good work.",
        "Mi responsable se da cuenta y lo reconoce cuando hago un buen trabajo.",
        _AGREE,
    ),
    _likert(
        "manager_trusts_decisions",
        _M,
        "My manager trusts me to make decisions that solve a customer's problem.",
        "Mi responsable confía en mí para tomar decisiones que resuelvan el problema de un cliente.",
        _AGREE,
    ),
    _likert(
        "manager_reachable",
        _M,
        "I can reach my manager when I need help.",
        "Puedo hablar con mi responsable cuando necesito ayuda.",
        _AGREE,
    ),
    # Alignment: most employees are not engaged with the company's goals.
    _likert(
        "alignment_goals",
        _A,
        "I understand the company's goals and how my work helps reach them.",
        "Entiendo los objetivos de la empresa y cómo mi trabajo ayuda a alcanzarlos.",
        _AGREE,
    ),
    _likert(
        "alignment_customer_impact",
        _A,
        "I know how my work affects our customers.",
        "Sé cómo afecta mi trabajo a nuestros clientes.",
        _AGREE,
    ),
    _likert(
        "alignment_team_priorities",
        _A,
        "My team agrees on what matters most right now.",
        "En mi equipo estamos de acuerdo en lo que más importa ahora.",
        _AGREE,
    ),
    _likert(
        "alignment_believe",
        _A,
        "I believe in what this company is trying to do.",
        "Creo en lo que esta empresa intenta hacer.",
        _AGREE,
    ),
    # eNPS: the one standard question, asked monthly so it can be compared over time.
    BankQuestion(
        key=ENPS_QUESTION_KEY,
        driver=Driver.ENPS,
        scale=Scale.ENPS,
        text_en="How likely are you to recommend working here to a friend?",
        text_es="¿Qué probabilidad hay de que recomiendes trabajar aquí a un amigo?",
        low_en=_LIKELY[0],
        high_en=_LIKELY[1],
        low_es=_LIKELY[2],
        high_es=_LIKELY[3],
    ),
)


def week_questions(
    week_number: int,
    bank: Sequence[BankQuestion],
    *,
    per_week: int = 3,
    include_enps: bool,
) -> tuple[BankQuestion, ...]:
    """The questions of week `week_number`: `per_week` rotating ones, then eNPS if asked for.

    Drivers (ENPS aside) take turns in `Driver` order, and in round r a driver asks its r-th
    question, so neighbouring weeks differ, every driver returns within
    ceil(drivers / per_week) weeks and a custom question gets its turn like any default one;
    the bank's order does not matter, because a database may return rows in any order and
    everyone must still get the same questions.
    """
    if per_week < 0:
        raise ValueError(f"per_week must not be negative, got {per_week}")
    pools = _rotation_pools(bank)
    drivers = [driver for driver in Driver if driver in pools]
    wanted = min(per_week, sum(len(pool) for pool in pools.values()))
    chosen: list[BankQuestion] = []
    seen: set[str] = set()
    turn = week_number * wanted
    # A repeat can only come up when a week has more places than there are drivers; skipping
    # it always ends, because any len(drivers) * (largest pool) consecutive turns hold every
    # question, and `wanted` never exceeds the number of questions.
    while len(chosen) < wanted:
        pool = pools[drivers[turn % len(drivers)]]
        question = pool[(turn // len(drivers)) % len(pool)]
        if question.key not in seen:
            seen.add(question.key)
            chosen.append(question)
        turn += 1
    if include_enps:
        enps = _enps_question(bank)
        if enps is not None:
            chosen.append(enps)
    return tuple(chosen)


def is_enps_week(week_start: date) -> bool:
    """Whether this week's pulse carries the eNPS question: once a month, in the week whose
    Monday is the first Monday of its month.

    Monthly is often enough to see a trend and rare enough not to tire people of the one
    question they would otherwise see every week. Any day of the week may be passed: the
    answer is that of its Monday-to-Sunday week, so callers need not normalise the date.
    """
    monday = week_start - timedelta(days=week_start.weekday())
    return monday.day <= 7


_DEFAULT_ORDER = {question.key: position for position, question in enumerate(DEFAULT_BANK)}


def _rotation_order(key: str) -> tuple[int, str]:
    """Default questions in DEFAULT_BANK's order, which is curated (a driver's central question
    first, internal service alternating between its two directions); custom ones after them by
    key. It depends on keys only, so the order the caller passes the bank in does not matter."""
    return _DEFAULT_ORDER.get(key, len(_DEFAULT_ORDER)), key


def _rotation_pools(bank: Sequence[BankQuestion]) -> dict[Driver, tuple[BankQuestion, ...]]:
    """Each driver's rotating questions, in rotation order.

    A key given twice counts once (the first), so a duplicated row cannot get twice the turns.
    """
    unique: dict[str, BankQuestion] = {}
    for question in bank:
        if question.driver is not Driver.ENPS:
            unique.setdefault(question.key, question)
    pools: dict[Driver, list[BankQuestion]] = {}
    for key in sorted(unique, key=_rotation_order):
        pools.setdefault(unique[key].driver, []).append(unique[key])
    return {driver: tuple(questions) for driver, questions in pools.items()}


def _enps_question(bank: Sequence[BankQuestion]) -> BankQuestion | None:
    """The standard eNPS question if active, else another ENPS-driver one (by key), else none:
    an admin may have replaced its wording under a new key, or retired eNPS altogether."""
    candidates = sorted(
        (question for question in bank if question.driver is Driver.ENPS),
        key=lambda question: question.key,
    )
    for question in candidates:
        if question.key == ENPS_QUESTION_KEY:
            return question
    return candidates[0] if candidates else None
