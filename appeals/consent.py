"""The consent to the processing of personal data that every appeal from the form carries.

The texts are versioned in code, not edited in the admin: a changed wording is a new
version, reviewed like any other change, and each appeal stores the version it was given
with and the moment. The text is legal wording, so it is written out per language here
rather than run through the translation catalogs (a catalog update must never silently
change what a member agreed to). Unknown languages fall back to Russian.
"""

CURRENT_VERSION = "2024-1"

TEXTS = {
    "2024-1": {
        "ru": (
            "В соответствии с Законом Республики Казахстан «О персональных данных и их защите» "
            "я даю согласие Карагандинской областной организации профсоюза работников образования "
            "и науки на сбор и обработку моих персональных данных (имя, телефон, адрес электронной "
            "почты, место работы и сведения, которые я сообщаю в обращении) в целях рассмотрения "
            "обращения и направления ответа. Данные доступны только работникам аппарата и филиала, "
            "которому передано обращение, не передаются третьим лицам без моего согласия, кроме "
            "случаев, предусмотренных законом, и обезличиваются через три года после закрытия "
            "обращения. Я могу запросить копию своих данных или их удаление, написав на адрес "
            "организации."
        ),
        "kk": (
            "Қазақстан Республикасының «Дербес деректер және оларды қорғау туралы» Заңына сәйкес "
            "мен білім және ғылым қызметкерлері кәсіподағының Қарағанды облыстық ұйымына өтінішті "
            "қарау және жауап жіберу мақсатында менің дербес деректерімді (аты-жөні, телефон, "
            "электрондық пошта, жұмыс орны және өтініште хабарлаған мәліметтер) жинауға және "
            "өңдеуге келісім беремін. Деректерге тек аппарат пен өтініш берілген филиал "
            "қызметкерлері қол жеткізе алады, заңда көзделген жағдайлардан басқа, менің келісімімсіз "
            "үшінші тұлғаларға берілмейді және өтініш жабылғаннан кейін үш жылдан соң иесіздендіріледі. "
            "Мен ұйымның мекенжайына жазып, деректерімнің көшірмесін немесе оларды жоюды сұрай аламын."
        ),
        "en": (
            "Under the Law of the Republic of Kazakhstan on Personal Data and Their Protection, I "
            "consent to the Karaganda regional organisation of the trade union of education and "
            "science workers collecting and processing my personal data (name, phone, e-mail, "
            "workplace and what I write in the appeal) to consider my appeal and send an answer. "
            "Only the staff of the regional apparatus and of the branch the appeal is passed to can "
            "see the data; it is not given to third parties without my consent except where the law "
            "requires, and it is anonymised three years after the appeal is closed. I can ask for a "
            "copy of my data or for its erasure by writing to the organisation."
        ),
    },
}


def consent_text(language: str | None, version: str = CURRENT_VERSION) -> str:
    texts = TEXTS[version]
    code = (language or "ru").split("-")[0]
    return texts.get(code, texts["ru"])
