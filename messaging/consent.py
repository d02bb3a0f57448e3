"""What a member agrees to when subscribing to the bot, versioned like `appeals.consent`.

Legal wording is written out per language here, not run through the catalogs, so a catalog
update never silently changes what a member agreed to. A changed wording is a new version;
each subscriber stores the version and the moment they pressed «I agree».
"""

CURRENT_VERSION = "2026-1"

TEXTS = {
    "2026-1": {
        "ru": (
            "Бот Карагандинской областной организации профсоюза работников образования и науки "
            "присылает новости вашего филиала и областной организации (каждую новость или одной "
            "сводкой в день — на ваш выбор), пятничные розыгрыши и их проверяемые итоги, опросы, "
            "важные объявления и ответы на ваши обращения. Мы храним номер чата Telegram, выбранный "
            "язык и филиал, время согласия и то, что вам отправлено; имя и номер телефона бот не "
            "получает. Команда /stop сразу прекращает все сообщения, /forget удаляет номер чата. "
            "После отписки номер чата удаляется автоматически через 30 дней."
        ),
        "kk": (
            "Білім және ғылым қызметкерлері кәсіподағы Қарағанды облыстық ұйымының боты сіздің "
            "филиалыңыз бен облыстық ұйымның жаңалықтарын (әр жаңалықты немесе күніне бір рет "
            "жинақ түрінде — өзіңіз таңдайсыз), жұма сайынғы ұтыс ойындары мен олардың тексерілетін "
            "қорытындыларын, сауалнамаларды, маңызды хабарландыруларды және өтініштеріңізге "
            "берілген жауаптарды жібереді. Біз Telegram чатының нөмірін, таңдалған тіл мен филиалды, "
            "келісім берілген уақытты және сізге не жіберілгенін сақтаймыз; бот атыңызды және телефон "
            "нөміріңізді алмайды. /stop командасы барлық хабарламаларды бірден тоқтатады, /forget "
            "чат нөмірін өшіреді. Жазылымнан бас тартқаннан кейін 30 күннен соң чат нөмірі өздігінен өшіріледі."
        ),
        "en": (
            "The bot of the Karaganda regional organisation of the trade union of education and "
            "science workers sends the news of your branch and of the regional organisation (each "
            "item, or one digest a day: you choose), the Friday giveaways and their verifiable "
            "results, polls, important notices and the answers to your appeals. We keep the Telegram "
            "chat number, the language and branch you chose, when you agreed and what was sent to "
            "you; the bot does not receive your name or phone number. /stop ends every message at "
            "once, /forget erases the chat number. After you leave, the chat number is erased "
            "automatically after 30 days."
        ),
    },
}


def consent_text(language: str | None, version: str = CURRENT_VERSION) -> str:
    texts = TEXTS[version]
    return texts.get((language or "ru").split("-")[0], texts["ru"])
