#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate the civicplan example bundles in examples/data/ (deterministic, stdlib only).

Run from the repository root:  /usr/bin/python3 examples/data/generate.py
Writes family.json, zone.json, digital_agenda.json, social_cases.json and
union_ledger.json next to this script. Every file is a self-contained civicplan bundle;
ids are unique across the five files so they can be imported into one workspace.
Names, codes and figures are realistic but illustrative: they are not official data.
"""

import csv
import datetime as dt
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20210210  # the day of the Family plan webinar (seed article 000)

# --------------------------------------------------------------------------- helpers


def money(x):
    """Euros as a JSON number with at most 2 decimals (int when whole)."""
    v = round(float(x) + 0.0, 2)
    return int(v) if v == int(v) else v


def nice(x):
    """Round a planned amount the way a budget officer would."""
    if x >= 10000:
        step = 500
    elif x >= 1000:
        step = 50
    else:
        step = 10
    return max(step, int(round(x / step)) * step)


def iso(y, m, d):
    return dt.date(y, m, d).isoformat()


def rand_date(rng, start, end):
    """A random ISO date between two ISO dates (inclusive)."""
    a = dt.date.fromisoformat(start)
    b = dt.date.fromisoformat(end)
    return (a + dt.timedelta(days=rng.randint(0, (b - a).days))).isoformat()


def add_days(day, n):
    return (dt.date.fromisoformat(day) + dt.timedelta(days=n)).isoformat()


def itdate(day):
    d = dt.date.fromisoformat(day)
    return "%02d/%02d/%04d" % (d.day, d.month, d.year)


def jitter(rng, lat, lon, r=0.006):
    return {"lat": round(lat + rng.uniform(-r, r), 6), "lon": round(lon + rng.uniform(-r, r), 6)}


def loc(lat, lon):
    return {"lat": lat, "lon": lon}


ACTION_KEYS = ("id", "title", "description", "categories", "objective", "status", "horizon",
               "start", "end", "responsible", "partners", "budget", "targets", "progress",
               "location", "depends_on", "tags")


def bundle(**arrays):
    """Assemble a bundle, with actions' keys in the order of the data model."""
    for plan in arrays.get("plans", []):
        plan["actions"] = [{k: a[k] for k in ACTION_KEYS if k in a} for a in plan["actions"]]
    out = {"format": "civicplan-bundle", "version": 1}
    for key in ("bodies", "taxonomies", "crosswalks", "plans", "statistics", "feedback",
                "certifications", "cases", "ledger", "places", "indicators", "rulesets", "users"):
        if arrays.get(key):
            out[key] = arrays[key]
    return out


def write(name, data):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False, sort_keys=False)
        f.write("\n")
    print("wrote %s (%d bytes)" % (os.path.relpath(path), os.path.getsize(path)))


def municipality(code, name, lat, lon, parents, **attributes):
    body = {"id": code, "kind": "municipality", "name": name, "parents": parents,
            "location": loc(lat, lon)}
    attrs = {"codice_istat": code}
    attrs.update(attributes)
    body["attributes"] = attrs
    return body


def budget_lines(year, total, shares):
    """Split a planned total over sources; the last source takes the rounding rest."""
    lines = []
    rest = total
    for i, (source, share) in enumerate(shares):
        amount = rest if i == len(shares) - 1 else nice(total * share)
        amount = min(amount, rest)
        rest -= amount
        if amount > 0:
            lines.append({"year": year, "source": source, "planned": money(amount)})
    return lines


# =========================================================================== (a) family

RESP = {
    "soc": "Assessorato alle politiche sociali e familiari",
    "istr": "Assessorato all'istruzione e alle politiche educative",
    "cult": "Assessorato alla cultura e alle biblioteche",
    "sport": "Assessorato allo sport e al tempo libero",
    "giov": "Assessorato alle politiche giovanili",
    "llpp": "Assessorato ai lavori pubblici",
    "bil": "Assessorato al bilancio e ai tributi",
    "amb": "Assessorato all'ambiente e alla mobilità",
    "inn": "Assessorato all'innovazione e ai servizi al cittadino",
    "pers": "Assessorato al personale e all'organizzazione",
    "sind": "Sindaco",
}

MUN = [("municipal", 1.0)]

# code: (titles, description, responsible, budget base for 10,000 inhabitants (0 = none),
#        sources, target (metric, unit, baseline, target, scales with population),
#        partners, tags, recurring, located)
FAMILY_TEMPLATES = {
    1: (["Mantenimento del marchio Family in Trentino",
         "Percorso di rinnovo della certificazione Family in Trentino"],
        "Aggiornamento del Piano famiglia comunale, autovalutazione dei requisiti del "
        "disciplinare e trasmissione della documentazione all'Agenzia provinciale per la "
        "famiglia per il mantenimento del marchio.",
        "soc", 0, MUN, ("requisiti del disciplinare soddisfatti", "percentuale", 85, 100, False),
        [("Agenzia provinciale per la famiglia", "accompagnamento")], ["certificazione"], True, False),
    3: (["Adesione della biblioteca comunale al marchio Family in Trentino",
         "Adesione del museo civico al marchio Family in Trentino"],
        "Accompagnamento delle strutture comunali nel percorso di adesione al marchio "
        "provinciale: adeguamento degli spazi, orari e proposte dedicate alle famiglie.",
        "cult", 1500, MUN, ("strutture comunali con marchio family", "numero", 1, 2, False),
        [], ["marchi family"], False, False),
    8: (["Partecipazione al Festival della famiglia e alla Convention dei Comuni family"],
        "Partecipazione di amministratori e referenti tecnici agli eventi di rete promossi "
        "dall'Agenzia: Festival della famiglia, Convention dei Comuni amici della famiglia, "
        "meeting dei Distretti famiglia.",
        "soc", 500, MUN, ("eventi di rete partecipati", "numero", 2, 3, False),
        [], ["rete"], True, False),
    9: (["Tavolo di coordinamento con le associazioni del territorio",
         "Rete comunale delle associazioni per la famiglia"],
        "Incontri periodici con associazioni, parrocchia, istituto comprensivo e cooperative "
        "sociali per coordinare il calendario delle iniziative rivolte alle famiglie.",
        "soc", 0, MUN, ("incontri del tavolo", "numero", 3, 4, False),
        [("Associazioni del territorio", "collaborazione")], ["rete", "associazioni"], True, False),
    11: (["Adesione al Piano Giovani di Zona", "Cofinanziamento del Piano Giovani di Zona"],
         "Quota comunale di cofinanziamento del {pgz} e partecipazione al Tavolo del confronto "
         "e della proposta che seleziona i progetti rivolti ai giovani dagli 11 ai 35 anni.",
         "giov", 6000, [("municipal", 0.5), ("provincial", 0.5)],
         ("progetti finanziati dal piano giovani", "numero", 6, 8, False),
         [("{pgz}", "tavolo del confronto e della proposta")], ["giovani", "piano giovani"],
         True, False),
    12: (["Istituzione della Consulta comunale per la famiglia",
          "Attività della Consulta comunale per la famiglia"],
         "La Consulta, composta da rappresentanti delle associazioni familiari e dei genitori, "
         "esprime pareri sulle politiche comunali per la famiglia e propone nuove iniziative.",
         "soc", 0, MUN, ("sedute della consulta", "numero", 2, 4, False),
         [("Associazioni familiari", "partecipazione")], ["partecipazione"], True, False),
    15: (["Co-progettazione del progetto strategico del Distretto famiglia"],
         "Partecipazione al gruppo di lavoro del {district} e co-progettazione delle azioni "
         "del programma di lavoro annuale del Distretto.",
         "soc", 1000, MUN, ("incontri del gruppo di lavoro", "numero", 3, 5, False),
         [("{district}", "co-progettazione")], ["distretto famiglia"], True, False),
    16: (["Gruppo di lavoro interassessorile sulle politiche familiari"],
         "Incontri di programmazione tra assessorati e uffici comunali per la redazione, il "
         "monitoraggio e la valutazione del Piano famiglia.",
         "sind", 0, MUN, ("incontri di programmazione", "numero", 2, 4, False),
         [], ["programmazione"], True, False),
    17: (["Indagine sulla soddisfazione delle famiglie per i servizi comunali",
          "Questionario di gradimento del nido d'infanzia e dei centri estivi"],
         "Somministrazione di un questionario online e cartaceo alle famiglie utenti e "
         "restituzione pubblica dei risultati in un incontro aperto.",
         "soc", 1500, MUN, ("questionari compilati", "numero", 120, 200, True),
         [], ["valutazione"], False, False),
    20: (["Carta dei servizi per la prima infanzia"],
         "Redazione e pubblicazione della Carta dei servizi del nido d'infanzia con standard "
         "di qualità, tempi di risposta e modalità di reclamo.",
         "istr", 800, MUN, ("carta dei servizi pubblicata", "numero", 0, 1, False),
         [], ["prima infanzia", "qualità"], False, False),
    21: (["Riduzione della TARI per le famiglie con bambini sotto i tre anni",
          "Agevolazione sulla tariffa rifiuti per l'uso di pannolini"],
         "Riduzione della quota variabile della tariffa rifiuti per le famiglie con figli di "
         "età inferiore ai 36 mesi, in considerazione del maggior conferimento di pannolini.",
         "bil", 9000, MUN, ("famiglie beneficiarie", "famiglie", 60, 80, True),
         [], ["tariffe", "rifiuti", "prima infanzia"], True, False),
    22: (["Contributo di benvenuto per le giovani coppie residenti"],
         "Contributo una tantum alle coppie under 35 che fissano la residenza nel Comune, a "
         "sostegno delle spese di avvio del nuovo nucleo familiare.",
         "soc", 8000, MUN, ("coppie beneficiarie", "coppie", 10, 15, True),
         [], ["giovani coppie"], True, False),
    23: (["Agevolazioni tariffarie per famiglie numerose",
          "Riduzione delle rette per le famiglie con tre o più figli",
          "Sconti su mensa e servizi estivi per le famiglie numerose"],
         "Riduzione del 20% delle tariffe di nido d'infanzia, mensa scolastica e centri "
         "estivi per i nuclei con tre o più figli a carico, in coerenza con la Family Card "
         "provinciale.",
         "soc", 15000, [("municipal", 0.8), ("provincial", 0.2)],
         ("famiglie numerose beneficiarie", "famiglie", 35, 45, True),
         [], ["famiglie numerose", "tariffe"], True, False),
    24: (["Agevolazioni sulla mensa scolastica e sul trasporto",
          "Contributo per l'acquisto dei libri di testo"],
         "Tariffe agevolate in base all'indicatore ICEF per la mensa della scuola primaria e "
         "il trasporto scolastico degli alunni residenti.",
         "istr", 20000, [("municipal", 0.6), ("provincial", 0.4)],
         ("alunni con tariffa agevolata", "alunni", 90, 110, True),
         [], ["scuola", "tariffe"], True, False),
    25: (["Contributi straordinari alle famiglie in difficoltà economica",
          "Fondo di solidarietà comunale per le famiglie"],
         "Contributi una tantum per utenze, affitto e spese scolastiche alle famiglie con ICEF "
         "inferiore alla soglia, in raccordo con il Servizio sociale territoriale.",
         "soc", 12000, [("municipal", 0.7), ("private", 0.3)],
         ("nuclei sostenuti", "famiglie", 25, 30, True),
         [("{cdv} – Servizio sociale", "collaborazione"), ("Caritas parrocchiale", "rete")],
         ["povertà", "sostegno al reddito"], True, False),
    26: (["Riduzione delle rette dei centri estivi",
          "Buoni di servizio per la conciliazione estiva"],
         "Contributo comunale sulle rette dei servizi di conciliazione estivi per bambini dai "
         "3 ai 14 anni, cumulabile con i buoni di servizio cofinanziati dal Fondo sociale europeo.",
         "soc", 10000, [("municipal", 0.6), ("provincial", 0.2), ("eu", 0.2)],
         ("bambini beneficiari", "bambini", 70, 90, True),
         [], ["conciliazione", "estate"], True, False),
    27: (["Buono sport per bambini e ragazzi",
          "Contributo per l'iscrizione ad attività sportive"],
         "Buono di 50 euro per ogni figlio tra i 6 e i 16 anni iscritto a un'associazione "
         "sportiva del territorio, con maggiorazione per le famiglie numerose.",
         "sport", 7000, MUN, ("buoni sport erogati", "buoni", 100, 140, True),
         [("Associazioni sportive del territorio", "convenzione")], ["sport"], True, False),
    28: (["Riduzione delle quote della scuola musicale per i fratelli"],
         "Sconto del 30% sulla quota di frequenza della scuola musicale per il secondo figlio "
         "e gratuità dal terzo figlio.",
         "cult", 4000, MUN, ("allievi beneficiari", "allievi", 15, 20, True),
         [("Scuola musicale", "convenzione")], ["musica", "fratelli"], True, False),
    29: (["Contributi alle associazioni che organizzano attività per le famiglie",
          "Concessione gratuita di spazi comunali alle associazioni familiari"],
         "Contributi ordinari e concessione di sale comunali alle associazioni che promuovono "
         "iniziative per bambini, genitori e anziani.",
         "soc", 8000, MUN, ("associazioni sostenute", "associazioni", 8, 10, True),
         [], ["associazioni"], True, False),
    30: (["Bonus bebè comunale e kit per i nuovi nati", "Kit di benvenuto per i nuovi nati"],
         "Consegna alle famiglie dei nuovi nati di un kit di benvenuto (pannolini lavabili, "
         "libro Nati per leggere, guida ai servizi) e di un contributo di 200 euro.",
         "soc", 12000, MUN, ("nuovi nati raggiunti", "bambini", 0, 0, True),
         [], ["natalità", "prima infanzia"], True, False),
    31: (["Contributo affitto per giovani coppie e famiglie monoparentali"],
         "Integrazione comunale al contributo provinciale sul canone di locazione per i "
         "nuclei con figli minori.",
         "soc", 10000, [("municipal", 0.5), ("provincial", 0.5)],
         ("nuclei beneficiari", "famiglie", 20, 25, True),
         [], ["casa"], True, False),
    39: (["Family card comunale con convenzioni presso gli esercizi commerciali",
          "Rete di esercizi convenzionati con la Family Card"],
         "Adesione degli esercizi commerciali e della Famiglia cooperativa a sconti riservati "
         "ai titolari della Family Card provinciale.",
         "soc", 2000, [("municipal", 0.5), ("private", 0.5)],
         ("esercizi convenzionati", "esercizi", 12, 18, False),
         [("Famiglia cooperativa", "convenzione"), ("Associazione commercianti", "convenzione")],
         ["family card", "sconti"], True, False),
    40: (["Wi-fi libero nei parchi e nelle piazze"],
         "Estensione della rete wi-fi pubblica gratuita a parchi giochi, biblioteca e piazza "
         "centrale.",
         "inn", 6000, [("municipal", 0.5), ("provincial", 0.5)],
         ("punti di accesso attivi", "numero", 4, 8, False),
         [], ["wi-fi"], False, True),
    46: (["Sezione Famiglia del sito istituzionale e newsletter per le famiglie",
          "Guida ai servizi per le famiglie"],
         "Aggiornamento della sezione dedicata alle famiglie sul sito comunale, pubblicazione "
         "del Piano famiglia e invio di una newsletter mensile sulle iniziative.",
         "soc", 1500, MUN, ("iscritti alla newsletter", "iscritti", 150, 250, True),
         [], ["comunicazione"], True, False),
    51: (["Sportello Famiglia comunale", "Punto informativo per le famiglie presso l'URP"],
         "Sportello di informazione e orientamento su agevolazioni, contributi provinciali, "
         "Family Card e servizi per la prima infanzia, aperto due mattine e un pomeriggio a "
         "settimana.",
         "soc", 5000, MUN, ("accessi allo sportello", "accessi", 300, 400, True),
         [], ["sportello", "informazione"], True, True),
    52: (["Ciclo di incontri sull'educazione digitale e l'uso consapevole dei social",
          "Serate per genitori su cyberbullismo e cittadinanza digitale"],
         "Incontri serali per genitori e laboratori nelle scuole secondarie di primo grado "
         "sull'uso consapevole di smartphone e social network.",
         "istr", 2500, [("municipal", 0.6), ("provincial", 0.4)],
         ("partecipanti agli incontri", "persone", 80, 120, False),
         [("Istituto comprensivo", "collaborazione")], ["media education"], False, False),
    54: (["Percorso di sostegno alla genitorialità «Crescere insieme»",
          "Incontri per neo-genitori sulla prima infanzia"],
         "Ciclo di incontri con pedagogista e psicologa per i genitori di bambini da 0 a 6 "
         "anni su sonno, alimentazione, regole e gestione dei conflitti.",
         "soc", 3000, [("municipal", 0.7), ("provincial", 0.3)],
         ("genitori partecipanti", "persone", 40, 60, False),
         [("Consultorio familiare", "collaborazione")], ["genitorialità"], False, False),
    56: (["Giornata ecologica e laboratori di riuso per bambini"],
         "Giornata di pulizia del territorio con scuole e associazioni e laboratori di riuso "
         "creativo durante la Settimana europea per la riduzione dei rifiuti.",
         "amb", 1200, MUN, ("partecipanti", "persone", 150, 200, False),
         [], ["ambiente"], False, False),
    57: (["Settimana dei diritti dell'infanzia e dell'adolescenza",
          "Educazione stradale nelle scuole primarie"],
         "Iniziative con scuole, biblioteca e associazioni in occasione della Giornata "
         "internazionale dei diritti dell'infanzia e dell'adolescenza (20 novembre).",
         "istr", 1500, MUN, ("classi coinvolte", "classi", 10, 14, False),
         [("Istituto comprensivo", "collaborazione")], ["infanzia", "scuola"], False, False),
    58: (["Tirocini estivi per studenti presso gli uffici comunali",
          "Progetto «Lavoro estivo giovani»"],
         "Tirocini estivi retribuiti di tre settimane per studenti dai 16 ai 19 anni negli "
         "uffici comunali, in biblioteca e nel cantiere comunale.",
         "giov", 6000, MUN, ("studenti coinvolti", "studenti", 8, 12, True),
         [], ["giovani", "lavoro"], False, False),
    61: (["Progetti di Servizio civile universale provinciale"],
         "Accoglienza di giovani in servizio civile presso la biblioteca e i servizi sociali "
         "del Comune.",
         "giov", 4000, [("municipal", 0.3), ("provincial", 0.7)],
         ("giovani in servizio civile", "giovani", 1, 2, False),
         [], ["giovani", "servizio civile"], True, False),
    62: (["Consiglio comunale dei ragazzi"],
         "Elezione e attività del Consiglio comunale dei ragazzi con gli alunni delle classi "
         "quinte e della scuola secondaria di primo grado.",
         "istr", 2000, MUN, ("sedute del consiglio dei ragazzi", "numero", 3, 5, False),
         [("Istituto comprensivo", "collaborazione")], ["partecipazione", "ragazzi"], True, False),
    64: (["Centro di aggregazione giovanile", "Spazio giovani comunale"],
         "Gestione in convenzione del centro di aggregazione giovanile con apertura "
         "pomeridiana, educatori e attività di animazione per ragazzi dagli 11 ai 18 anni.",
         "giov", 25000, [("municipal", 0.6), ("provincial", 0.4)],
         ("ragazzi frequentanti", "ragazzi", 60, 80, True),
         [("Cooperativa sociale Progetto 92", "convenzione")], ["giovani", "aggregazione"],
         True, True),
    65: (["Festa delle famiglie", "Giornata della famiglia in piazza"],
         "Festa annuale con giochi, spettacoli e stand delle associazioni in occasione della "
         "Giornata internazionale della famiglia (15 maggio).",
         "soc", 3500, [("municipal", 0.8), ("private", 0.2)],
         ("partecipanti stimati", "persone", 500, 700, True),
         [("Pro Loco", "co-organizzazione")], ["eventi"], False, True),
    67: (["Nati per leggere in biblioteca", "Letture ad alta voce per bambini da 0 a 6 anni"],
         "Letture animate mensili in biblioteca per bambini da 0 a 6 anni e dono di un libro "
         "ai nuovi nati, nell'ambito del programma nazionale Nati per leggere.",
         "cult", 2500, MUN, ("incontri di lettura", "numero", 10, 12, False),
         [("Volontari Nati per leggere", "volontariato")], ["lettura", "prima infanzia"],
         True, False),
    68: (["Rassegna di teatro per famiglie", "Cinema per famiglie nel periodo natalizio"],
         "Rassegna domenicale di spettacoli per bambini e famiglie con biglietto ridotto per "
         "i titolari della Family Card.",
         "cult", 6000, [("municipal", 0.7), ("private", 0.3)],
         ("spettatori", "persone", 600, 800, True),
         [], ["cultura", "teatro"], False, False),
    71: (["Corsi di avviamento allo sport per bambini", "Progetto «Sport a scuola»"],
         "Corsi multisport per bambini dai 6 agli 11 anni con le associazioni sportive locali, "
         "con quota ridotta per i fratelli.",
         "sport", 5000, MUN, ("bambini iscritti", "bambini", 80, 110, True),
         [("Associazioni sportive del territorio", "convenzione")], ["sport", "bambini"],
         True, False),
    73: (["Giornata dello sport e della salute", "Camminate per famiglie sui sentieri del territorio"],
         "Manifestazione con prove gratuite delle discipline sportive del territorio e "
         "camminate non competitive per famiglie.",
         "sport", 2000, MUN, ("partecipanti", "persone", 200, 300, False),
         [], ["sport", "eventi"], False, True),
    75: (["Progetto intergenerazionale con la RSA", "Nonni e nipoti: laboratori tra generazioni"],
         "Laboratori settimanali tra i bambini della scuola dell'infanzia e gli ospiti della "
         "RSA: lettura, orto, cucina.",
         "soc", 1500, MUN, ("incontri realizzati", "numero", 8, 12, False),
         [("APSP – Residenza sanitaria assistenziale", "collaborazione")],
         ["intergenerazionale", "anziani"], False, False),
    84: (["Sostegno ai caregiver familiari", "Gruppi di sollievo per chi assiste un familiare"],
         "Gruppi di auto-mutuo aiuto e ore di sollievo domiciliare per le famiglie che "
         "assistono un familiare non autosufficiente.",
         "soc", 6000, [("municipal", 0.5), ("provincial", 0.5)],
         ("caregiver coinvolti", "persone", 15, 25, False),
         [("{cdv} – Servizio sociale", "collaborazione")], ["caregiver", "fragilità"], True, False),
    85: (["Gruppo di mutuo aiuto tra mamme", "Spazio mamme: incontri tra neo-mamme"],
         "Incontri quindicinali tra neo-mamme con un'ostetrica e una facilitatrice, con "
         "spazio per i bambini.",
         "soc", 1000, MUN, ("mamme partecipanti", "persone", 20, 30, False),
         [("Consultorio familiare", "collaborazione")], ["maternità", "mutuo aiuto"], True, False),
    91: (["Corsi di italiano per mamme straniere con spazio bimbi"],
         "Corso di lingua italiana per donne straniere con servizio gratuito di custodia dei "
         "bambini durante le lezioni.",
         "soc", 3500, [("municipal", 0.5), ("eu", 0.5)],
         ("iscritte al corso", "persone", 15, 20, False),
         [("Centro informativo per l'immigrazione", "collaborazione")], ["intercultura"],
         True, False),
    97: (["Incontri su pari opportunità e conciliazione famiglia-lavoro"],
         "Ciclo di incontri pubblici su condivisione dei carichi di cura, congedi parentali e "
         "strumenti di conciliazione.",
         "soc", 1500, MUN, ("partecipanti", "persone", 40, 60, False),
         [("Commissione pari opportunità", "collaborazione")], ["pari opportunità"], False, False),
    101: (["Banca del tempo"],
          "Sostegno alla Banca del tempo comunale per lo scambio di ore di servizio tra "
          "famiglie: baby sitting, piccole riparazioni, ripetizioni.",
          "soc", 1000, MUN, ("ore scambiate", "ore", 400, 600, False),
          [("Associazione Banca del tempo", "convenzione")], ["economia collaborativa"],
          True, False),
    108: (["Nido d'infanzia comunale: ampliamento dei posti", "Gestione del nido d'infanzia comunale"],
          "Ampliamento del nido d'infanzia con una nuova sezione lattanti e apertura estiva nel "
          "mese di luglio.",
          "istr", 60000, [("municipal", 0.55), ("provincial", 0.45)],
          ("posti nido disponibili", "posti", 30, 36, True),
          [("Cooperativa sociale che gestisce il nido", "appalto di servizio")],
          ["prima infanzia", "nido"], True, True),
    109: (["Servizio Tagesmutter in convenzione"],
          "Contributo comunale sulla tariffa oraria del servizio Tagesmutter per i bambini "
          "residenti da 3 mesi a 3 anni.",
          "soc", 12000, [("municipal", 0.6), ("provincial", 0.4)],
          ("bambini accolti", "bambini", 10, 14, True),
          [("Cooperativa Tagesmutter del Trentino Il Sorriso", "convenzione")],
          ["prima infanzia", "conciliazione"], True, False),
    110: (["Spazio gioco per genitori e bambini", "Spazio genitori-bambini 0-3 anni"],
          "Spazio gioco aperto tre mattine a settimana per bambini da 0 a 3 anni accompagnati "
          "da un genitore o da un nonno, con educatrice.",
          "istr", 8000, MUN, ("famiglie iscritte", "famiglie", 25, 35, True),
          [], ["prima infanzia"], True, True),
    113: (["Centri estivi per bambini e ragazzi dai 3 ai 14 anni",
           "Doposcuola comunale per la scuola primaria"],
          "Organizzazione di centri estivi di otto settimane con mensa e tempo prolungato, "
          "affidati a cooperative del territorio.",
          "istr", 30000, [("municipal", 0.5), ("eu", 0.3), ("private", 0.2)],
          ("bambini iscritti", "bambini", 120, 150, True),
          [("Cooperativa sociale Tagesmutter", "appalto di servizio")],
          ["conciliazione", "estate"], True, False),
    114: (["Fasciatoi negli edifici pubblici", "Fasciatoi anche nei bagni maschili",
           "Baby Little Home in biblioteca", "Spazio allattamento presso il municipio"],
          "Installazione di fasciatoi e spazi per l'allattamento nei servizi igienici di "
          "municipio, biblioteca, palazzetto dello sport e parchi, accessibili a mamme e papà.",
          "llpp", 4000, MUN, ("fasciatoi installati", "numero", 3, 6, False),
          [], ["infrastrutture family", "prima infanzia"], False, True),
    116: (["Biblioteca family-friendly con angolo morbido 0-6"],
          "Allestimento di un angolo morbido con arredi e libri per la fascia 0-6 anni e "
          "orario di apertura il sabato mattina.",
          "cult", 3500, MUN, ("prestiti della sezione ragazzi", "prestiti", 4000, 4500, True),
          [], ["biblioteca", "lettura"], False, True),
    117: (["Pedibus per la scuola primaria", "Progetto «Nonno vigile» davanti alle scuole"],
          "Percorsi Pedibus accompagnati da genitori volontari per raggiungere a piedi la "
          "scuola primaria, con segnaletica dedicata alle fermate.",
          "amb", 2500, MUN, ("bambini aderenti", "bambini", 40, 60, True),
          [("Comitato genitori", "volontariato")], ["mobilità sostenibile", "autonomia"],
          True, True),
    127: (["Orari degli uffici comunali conciliati con le esigenze delle famiglie"],
          "Apertura pomeridiana dell'anagrafe e dell'ufficio tributi il giovedì fino alle 18 "
          "e prenotazione online degli appuntamenti.",
          "pers", 0, MUN, ("ore settimanali di apertura pomeridiana", "ore", 2, 5, False),
          [], ["conciliazione", "orari"], True, False),
    130: (["Percorsi ciclopedonali sicuri casa-scuola"],
          "Realizzazione di un tratto di pista ciclopedonale protetta tra i quartieri "
          "residenziali e il polo scolastico.",
          "llpp", 90000, [("municipal", 0.4), ("provincial", 0.6)],
          ("metri di percorso realizzati", "m", 0, 600, False),
          [], ["mobilità sostenibile", "scuola"], False, True),
    131: (["Riqualificazione del parco giochi comunale", "Nuovo parco giochi inclusivo"],
          "Sostituzione dei giochi obsoleti con attrezzature inclusive e pavimentazione "
          "antitrauma, con area ombreggiata e fontanella.",
          "llpp", 45000, [("municipal", 0.6), ("provincial", 0.4)],
          ("aree gioco riqualificate", "numero", 0, 1, False),
          [], ["parchi", "inclusione"], False, True),
    132: (["Abbattimento delle barriere architettoniche negli edifici comunali"],
          "Rampe, servoscala e servizi igienici accessibili in municipio e nella scuola "
          "primaria, con mappatura pubblica dell'accessibilità.",
          "llpp", 30000, [("municipal", 0.5), ("provincial", 0.5)],
          ("edifici resi accessibili", "numero", 0, 2, False),
          [], ["accessibilità", "disabilità"], False, True),
    134: (["Parcheggi rosa per donne in gravidanza e genitori con neonati"],
          "Stalli riservati alle donne in gravidanza e ai genitori con bambini fino a due anni "
          "presso municipio, ambulatori e scuole, con permesso comunale gratuito.",
          "amb", 1500, MUN, ("stalli rosa realizzati", "numero", 2, 5, False),
          [], ["parcheggi rosa", "mobilità"], False, True),
    135: (["Sentiero family attrezzato per passeggini", "Percorso natura per famiglie"],
          "Sistemazione di un sentiero pianeggiante percorribile con il passeggino, con "
          "pannelli didattici, panchine e aree di sosta.",
          "sport", 12000, [("municipal", 0.5), ("provincial", 0.5)],
          ("km di sentiero family", "km", 0, 3, False),
          [("SAT – sezione locale", "collaborazione")], ["sentieri", "natura"], False, True),
}

FAMILY_OBJECTIVES = {
    "A": ("ob-a", "Rafforzare la governance delle politiche familiari e il lavoro di rete",
          "Coordinare assessorati, associazioni e Distretto famiglia e mantenere gli standard "
          "della certificazione family."),
    "B": ("ob-b", "Sostenere le famiglie con misure economiche e agevolazioni tariffarie",
          "Ridurre il costo dei servizi comunali per le famiglie con figli, in particolare "
          "per le famiglie numerose e a basso reddito."),
    "C": ("ob-c", "Garantire un'informazione chiara e accessibile alle famiglie",
          "Far conoscere alle famiglie servizi, contributi e iniziative del territorio."),
    "D": ("ob-d", "Promuovere una comunità educante e inclusiva",
          "Offrire occasioni di formazione, aggregazione, sport e cultura per tutte le età."),
    "E": ("ob-e", "Sviluppare servizi e infrastrutture a misura di famiglia",
          "Ampliare i servizi per la prima infanzia e rendere spazi e mobilità adatti alle famiglie."),
}

PROGRESS_NOTES = {
    "completed": ["Azione realizzata come da programma.", "Obiettivo raggiunto.",
                  "Conclusa con buona partecipazione delle famiglie."],
    "in_progress": ["Attività in corso, avanzamento regolare.",
                    "In corso: completamento previsto entro fine anno.",
                    "Avviata con qualche ritardo sui tempi previsti."],
    "suspended": ["Sospesa a causa delle restrizioni sanitarie.",
                  "Sospesa in attesa del contributo provinciale.",
                  "Sospesa per indisponibilità della struttura."],
    "cancelled": ["Annullata: risorse destinate ad altra azione del piano.",
                  "Annullata per mancanza di iscrizioni."],
    "planned": ["Da avviare nel secondo semestre."],
}

# code, name, lat, lon, population 2021, district until 2021, district from 2022,
# town hall address, Piano Giovani di Zona, Comunità di valle,
# (has T11, has T23), 2022 plan status
TRENTINO = [
    ("022205", "Trento", 46.0679, 11.1211, 118880, "nord", "nord", "Via Belenzani, 19",
     "Piano Giovani di Zona della Città di Trento", "Territorio Val d'Adige", (1, 1), "approved"),
    ("022161", "Rovereto", 45.8906, 11.0401, 40080, "sud", "sud", "Piazza del Podestà, 11",
     "Piano Giovani di Zona di Rovereto", "Comunità della Vallagarina", (1, 1), "approved"),
    ("022139", "Pergine Valsugana", 46.0614, 11.2381, 21650, "nord", "nord", "Piazza Municipio, 7",
     "Piano Giovani di Zona Alta Valsugana", "Comunità Alta Valsugana e Bersntol", (1, 1),
     "approved"),
    ("022006", "Arco", 45.9177, 10.8867, 17960, "sud", "sud", "Piazza III Novembre, 3",
     "Piano Giovani di Zona Alto Garda e Ledro", "Comunità Alto Garda e Ledro", (1, 1), "approved"),
    ("022153", "Riva del Garda", 45.8858, 10.8412, 17690, "sud", "sud", "Piazza III Novembre, 5",
     "Piano Giovani di Zona Alto Garda e Ledro", "Comunità Alto Garda e Ledro", (1, 1), "approved"),
    ("022104", "Levico Terme", 46.0120, 11.3027, 8170, "nord", "nord", "Via Marconi, 6",
     "Piano Giovani di Zona Alta Valsugana", "Comunità Alta Valsugana e Bersntol", (1, 1),
     "approved"),
    ("022117", "Mezzolombardo", 46.2094, 11.0949, 7560, "nord", "nord", "Corso del Popolo, 17",
     "Piano Giovani di Zona Rotaliana-Königsberg", "Comunità Rotaliana-Königsberg", (1, 1),
     "approved"),
    ("022062", "Cles", 46.3647, 11.0333, 7120, "nord", "nord", "Corso Dante, 28",
     "Piano Giovani di Zona Carez", "Comunità della Val di Non", (1, 1), "approved"),
    ("022022", "Borgo Valsugana", 46.0519, 11.4548, 7010, "nord", "nord", "Piazza Degasperi, 20",
     "Piano Giovani di Zona Bassa Valsugana e Tesino", "Comunità Valsugana e Tesino", (1, 1),
     "submitted"),
    ("022147", "Predazzo", 46.3121, 11.6018, 4540, "nord", "nord",
     "Piazza Santi Filippo e Giacomo, 3", "Piano Giovani di Zona Fiemme", "Comunità territoriale "
     "della Val di Fiemme", (0, 1), "approved"),
    ("022050", "Cavalese", 46.2910, 11.4605, 4080, "nord", "nord", "Via Bronzetti, 1",
     "Piano Giovani di Zona Fiemme", "Comunità territoriale della Val di Fiemme", (1, 0),
     "submitted"),
    ("022199", "Tione di Trento", 46.0354, 10.7267, 3670, "nord", "sud", "Via Damiano Chiesa, 3",
     "Piano Giovani di Zona Giudicarie Centrali", "Comunità delle Giudicarie", (0, 0), "draft"),
]

DISTRICTS = {
    "nord": ("distretto-famiglia-trentino-nord", "Distretto Famiglia Trentino Nord",
             "Valle dell'Adige, Valsugana, Val di Non, Rotaliana e Val di Fiemme", 2013),
    "sud": ("distretto-famiglia-trentino-sud", "Distretto Famiglia Trentino Sud",
            "Vallagarina, Alto Garda e Giudicarie", 2014),
}

# (body, date): base certificates of the national Family in Italia scheme
FAMILY_ITALIA_BASE = [("022205", "2019-05-20"), ("022139", "2021-03-15"), ("022153", "2021-06-01"),
                      ("022104", "2018-11-12")]

# municipalities that complete requirements 6-10 in 2022, within two years of the base certificate
FAMILY_ITALIA_EXEC = ("022139", "022153")

# body -> list of (status, date, expires): the family-in-trentino certification history
FAMILY_CERTS = {
    "022205": [("granted", "2008-06-12", "2011-06-12"), ("renewed", "2011-05-30", "2014-06-12"),
               ("renewed", "2014-05-21", "2017-06-12"), ("renewed", "2017-06-05", "2020-06-12"),
               ("renewed", "2020-06-10", "2023-06-12")],
    "022161": [("granted", "2010-03-18", "2013-03-18"), ("renewed", "2013-03-11", "2016-03-18"),
               ("renewed", "2016-03-02", "2019-03-18"), ("renewed", "2019-03-07", "2022-03-18"),
               ("renewed", "2022-03-10", "2025-03-18")],
    "022139": [("granted", "2012-11-27", "2015-11-27"), ("renewed", "2015-11-16", "2018-11-27"),
               ("renewed", "2018-11-20", "2021-11-27"), ("renewed", "2021-11-15", "2024-11-27")],
    "022006": [("granted", "2014-04-09", "2017-04-09"), ("renewed", "2017-03-29", "2020-04-09"),
               ("renewed", "2020-07-02", "2023-07-02")],
    "022153": [("granted", "2019-09-24", "2022-09-24"), ("renewed", "2022-09-13", "2025-09-24")],
    "022117": [("granted", "2016-02-15", "2019-02-15"), ("expired", "2019-02-15", None),
               ("granted", "2021-05-04", "2024-05-04")],
    "022062": [("granted", "2013-10-01", "2016-10-01"), ("renewed", "2016-09-26", "2019-10-01"),
               ("renewed", "2019-09-30", "2022-10-01"), ("suspended", "2022-04-20", None)],
    "022147": [("granted", "2015-05-19", "2018-05-19"), ("renewed", "2018-05-14", "2021-05-19"),
               ("expired", "2021-05-19", None)],
}

FEEDBACK_COMMENTS = {
    5: ["Iniziativa molto utile per la nostra famiglia, speriamo venga confermata.",
        "Servizio eccellente, personale gentile e preparato.",
        "Grazie! Con tre figli ogni aiuto fa la differenza."],
    4: ["Buona iniziativa, andrebbe pubblicizzata di più.",
        "Utile e ben organizzata, ma gli orari sono un po' stretti per chi lavora."],
    3: ["Idea buona, ma le informazioni sono arrivate tardi.",
        "Utile, però la procedura per fare domanda andrebbe semplificata."],
    2: ["Modulo di domanda troppo complicato, sarebbe meglio poterlo compilare online."],
    1: ["Posti esauriti in pochi giorni: molte famiglie sono rimaste escluse."],
}


def build_family_taxonomy(rows):
    macros, fields, nodes = [], [], []
    seen_macro, seen_field = set(), set()
    for r in rows:
        if r["macro_area"] not in seen_macro:
            seen_macro.add(r["macro_area"])
            macros.append({"code": r["macro_area"], "label": r["macro_area_label"]})
        fcode = "%s.%s" % (r["macro_area"], r["field"])
        if fcode not in seen_field:
            seen_field.add(fcode)
            fields.append({"code": fcode, "label": r["field_label"], "parents": [r["macro_area"]]})
    for r in rows:
        nodes.append({"code": "T%s" % r["action_id"], "label": r["action_label"],
                      "parents": ["%s.%s" % (r["macro_area"], r["field"])]})
    return {
        "id": "family-tn",
        "version": "2021",
        "label": "Tassonomia delle azioni dei Piani famiglia comunali – Provincia autonoma di Trento",
        "nodes": macros + fields + nodes,
    }


def read_family_csv():
    local = os.path.join(HERE, "family_taxonomy_trentino.csv")
    shared = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data",
                                           "family_taxonomy_trentino.csv"))
    path = local if os.path.exists(local) else shared
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def family_action(rng, aid, code, macro, year, muni, status_mode, stats, fmt):
    titles, desc, resp, base, shares, target, partners, tags, recurring, located = \
        FAMILY_TEMPLATES[code]
    pop = muni["pop"]
    s_budget = (pop / 10000.0) ** 0.85
    s_target = pop / 10000.0
    act = {"id": aid, "title": rng.choice(titles), "description": desc.format(**fmt),
           "categories": ["family-tn:T%d" % code], "objective": FAMILY_OBJECTIVES[macro][0]}

    # status as seen at the time the data were taken (spring 2022 for 2021, autumn 2022 for 2022)
    if status_mode == "closed":
        status = rng.choices(["completed", "in_progress", "suspended", "cancelled"],
                             [78, 12, 6, 4])[0]
    elif status_mode == "running":
        status = rng.choices(["completed", "in_progress", "planned", "suspended"],
                             [38, 46, 11, 5])[0]
    else:
        status = "planned"
    if code in (1, 11, 23) and status in ("suspended", "cancelled", "planned") and \
            status_mode != "draft":
        # the certification-relevant actions are never dropped in an approved plan
        status = "completed" if status_mode == "closed" else "in_progress"
    act["status"] = status
    if recurring:
        act["horizon"] = "ongoing"
    if recurring:
        start, end = iso(year, 1, 1), iso(year, 12, 31)
    else:
        start = rand_date(rng, iso(year, 2, 1), iso(year, 7, 31))
        end = rand_date(rng, add_days(start, 20), iso(year, 12, 20))
    act["start"], act["end"] = start, end
    act["responsible"] = RESP[resp]
    if partners:
        act["partners"] = [{"name": n.format(**fmt), "kind": k} for n, k in partners]

    # budget
    act["budget"] = []
    if base:
        planned_total = nice(base * s_budget * rng.uniform(0.8, 1.25))
        for line in budget_lines(year, planned_total, shares):
            if status == "completed":
                line["actual"] = money(line["planned"] * rng.uniform(0.84, 1.03))
            elif status == "in_progress":
                line["actual"] = money(line["planned"] * rng.uniform(0.35, 0.8))
            elif status == "suspended":
                line["actual"] = money(line["planned"] * rng.uniform(0.05, 0.25))
            elif status == "cancelled":
                line["actual"] = 0
            act["budget"].append(line)

    # target
    metric, unit, b, t, scales = target
    if code == 30:
        b = stats["births"] - rng.randint(2, 6)
        t = stats["births"]
    elif scales:
        b = max(1, round(b * s_target * rng.uniform(0.85, 1.15)))
        t = max(b + 1, round(b * t / float(target[2])))
    tgt = {"metric": metric, "unit": unit, "baseline": b, "target": t}
    if status == "completed":
        tgt["actual"] = t if t <= 3 else round(t * rng.uniform(0.85, 1.12))
        if unit == "percentuale":
            tgt["actual"] = min(tgt["actual"], 100)
    elif status in ("in_progress", "suspended") and t > b:
        tgt["actual"] = b + round((t - b) * rng.uniform(0.1, 0.7))
    act["targets"] = [tgt]

    # progress
    notes = PROGRESS_NOTES
    mid = iso(year, 6, 30)
    last = iso(year, 12, 31) if status_mode == "closed" else iso(year, 9, 30)
    if status == "completed":
        act["progress"] = [{"date": mid, "completion": rng.choice([30, 40, 50, 60, 70])},
                           {"date": last, "completion": 100, "note": rng.choice(notes[status])}]
    elif status == "in_progress":
        first = rng.choice([10, 20, 30])
        act["progress"] = [{"date": mid, "completion": first},
                           {"date": last, "completion": first + rng.choice([20, 30, 40, 50]),
                            "note": rng.choice(notes[status])}]
    elif status == "suspended":
        act["progress"] = [{"date": mid, "completion": rng.choice([10, 20, 30]),
                            "note": rng.choice(notes[status])}]
    elif status == "cancelled":
        act["progress"] = [{"date": mid, "completion": 0, "note": rng.choice(notes[status])}]
    elif status_mode == "running":
        act["progress"] = [{"date": last, "completion": 0, "note": rng.choice(notes["planned"])}]

    if located:
        act["location"] = jitter(rng, muni["lat"], muni["lon"], 0.005)
    act["tags"] = list(tags)
    return act


def pick_family_codes(rng, muni, previous=None):
    pop = muni["pop"]
    if pop >= 50000:
        n = rng.randint(15, 17)
    elif pop >= 15000:
        n = rng.randint(11, 14)
    elif pop >= 7000:
        n = rng.randint(9, 11)
    else:
        n = rng.randint(6, 8)
    has11, has23 = muni["flags"]
    forced = []
    if has11:
        forced.append(11)
    if has23:
        forced.append(23)
    if muni["code"] in FAMILY_CERTS:
        forced.append(1)
    # Applicants to the national scheme file requirements 1-5 every year and, the year after
    # applying, requirements 6-10 (see FAMILY_ITALIA_BASE and the family-in-italia rulesets).
    if muni["code"] in dict(FAMILY_ITALIA_BASE):
        forced += [c for c in (1, 3, 9, 16) if c not in forced]
        if previous is not None and muni["code"] in FAMILY_ITALIA_EXEC:
            forced += [17, 12, 51, 20]
    forbidden = {c for c, has in ((11, has11), (23, has23)) if not has}
    pool = [c for c in FAMILY_TEMPLATES if c not in forbidden and c not in forced]
    if previous:
        kept = [c for c in previous if c not in forced and c not in forbidden and rng.random() < 0.8]
        codes = forced + kept
    else:
        codes = list(forced)
    for c in rng.sample(pool, len(pool)):
        if len(codes) >= n:
            break
        if c not in codes:
            codes.append(c)
    return sorted(codes[:max(n, len(forced))])


def gen_family():
    rng = random.Random(SEED + 1)
    rows = read_family_csv()
    taxonomy = build_family_taxonomy(rows)
    macro_of = {int(r["action_id"]): r["macro_area"] for r in rows}
    for code in FAMILY_TEMPLATES:
        assert code in macro_of, code

    bodies = [
        {"id": "agenzia-famiglia-tn", "kind": "agency",
         "name": "Agenzia provinciale per la famiglia, la natalità e le politiche giovanili",
         "parents": [], "location": loc(46.0703, 11.1190),
         "attributes": {"sede": "Via don Giuseppe Grazioli, 1 – Trento", "ente": "pat"}},
        {"id": "pat", "kind": "province", "name": "Provincia autonoma di Trento", "parents": [],
         "location": loc(46.0700, 11.1210), "attributes": {"sigla": "TN", "comuni": 166}},
    ]
    for key in ("nord", "sud"):
        did, dname, area, since = DISTRICTS[key]
        bodies.append({"id": did, "kind": "district", "name": dname,
                       "parents": [{"id": "pat"}],
                       "attributes": {"ambito": area, "anno_costituzione": since,
                                      "tipo": "Distretto famiglia"}})
    munis = []
    for (code, name, lat, lon, pop, d21, d22, addr, pgz, cdv, flags, st22) in TRENTINO:
        m = {"code": code, "name": name, "lat": lat, "lon": lon, "pop": pop, "addr": addr,
             "pgz": pgz, "cdv": cdv, "flags": flags, "st22": st22,
             "district": {2021: DISTRICTS[d21], 2022: DISTRICTS[d22]}}
        munis.append(m)
        parents = [{"id": "pat"}]
        if d21 == d22:
            parents.append({"id": DISTRICTS[d21][0], "from": 2014})
        else:
            parents.append({"id": DISTRICTS[d21][0], "from": 2014, "to": 2021})
            parents.append({"id": DISTRICTS[d22][0], "from": 2022})
        bodies.append(municipality(code, name, lat, lon, parents, provincia="TN",
                                   comunita_di_valle=cdv, indirizzo_municipio=addr))

    # statistics 2020-2022
    statistics = []
    stat_of = {}
    for m in munis:
        families_ratio = 2.12 if m["pop"] > 100000 else rng.uniform(2.22, 2.42)
        child_share = rng.uniform(0.132, 0.158)
        birth_rate = rng.uniform(6.6, 8.6)
        for year, drift in ((2020, rng.uniform(-0.006, 0.003)), (2021, 0.0),
                            (2022, rng.uniform(-0.004, 0.005))):
            pop = int(round(m["pop"] * (1 + drift)))
            values = {
                "population": pop,
                "families": int(round(pop / (families_ratio + rng.uniform(-0.02, 0.02)))),
                "children": int(round(pop * (child_share - 0.002 * (year - 2020)))),
                "births": int(round(pop * (birth_rate + rng.uniform(-0.5, 0.5)) / 1000.0)),
            }
            stat_of[(m["code"], year)] = values
            for var in ("population", "families", "children", "births"):
                statistics.append({"variable": var, "body": m["code"], "year": year,
                                   "value": values[var]})

    # plans
    plans = []
    for m in munis:
        prev_codes = None
        prev_id = None
        for year in (2021, 2022):
            fmt = {"pgz": m["pgz"], "district": m["district"][year][1], "cdv": m["cdv"]}
            pid = "pf-%s-%d" % (m["code"], year)
            codes = pick_family_codes(rng, m, prev_codes)
            status = "approved" if year == 2021 else m["st22"]
            mode = "closed" if year == 2021 else ("running" if status == "approved" else "draft")
            actions, used_macros = [], []
            for i, code in enumerate(codes):
                macro = macro_of[code]
                if macro not in used_macros:
                    used_macros.append(macro)
                actions.append(family_action(rng, "az%02d" % (i + 1), code, macro, year, m,
                                             mode, stat_of[(m["code"], year)], fmt))
            # a few dependencies; no code is both a dependant and a prerequisite: acyclic
            idx = {int(a["categories"][0].split(":T")[1]): a["id"] for a in actions}
            for later, earlier in ((17, 16), (12, 9), (20, 108), (39, 23), (134, 114), (46, 51)):
                if later in idx and earlier in idx:
                    for a in actions:
                        if a["id"] == idx[later]:
                            a["depends_on"] = [idx[earlier]]
            plan = {
                "id": pid, "kind": "family", "body": m["code"],
                "title": "Piano comunale per la famiglia %d – Comune di %s" % (year, m["name"]),
                "period": {"from": year, "to": year}, "status": status, "variant": "original",
            }
            if status == "approved":
                day = rand_date(rng, iso(year, 2, 8), iso(year, 3, 31))
                number = rng.randint(120, 260) if m["pop"] > 30000 else rng.randint(12, 64)
                plan["approval"] = {"date": day, "act": "Delibera di Giunta comunale n. %d del %s"
                                    % (number, itdate(day))}
            if prev_id:
                plan["previous"] = [prev_id]
            plan["objectives"] = [
                {"id": FAMILY_OBJECTIVES[k][0], "title": FAMILY_OBJECTIVES[k][1],
                 "description": FAMILY_OBJECTIVES[k][2]} for k in sorted(used_macros)]
            plan["actions"] = actions
            if year == 2021:
                done = sum(1 for a in actions if a["status"] == "completed")
                spent = sum(line.get("actual", 0) for a in actions for line in a["budget"])
                plan["evaluation"] = {
                    "date": rand_date(rng, "2022-01-20", "2022-02-28"),
                    "text": "Relazione di valutazione del Piano famiglia 2021: realizzate %d "
                            "azioni su %d, spesa complessiva di %s euro. Buona la partecipazione "
                            "delle famiglie alle iniziative; da rafforzare la comunicazione "
                            "digitale." % (done, len(actions),
                                           format(round(spent), ",").replace(",", "."))}
            plan["revision"] = 1
            plans.append(plan)
            prev_codes, prev_id = codes, pid

    # places
    place_kinds = [
        ("fasciatoio", "Fasciatoio – Municipio", "addr"),
        ("allattamento", "Spazio allattamento – Biblioteca comunale", None),
        ("parco_giochi", "Parco giochi comunale", None),
        ("parcheggio_rosa", "Parcheggio rosa – Piazza del municipio", None),
        ("biblioteca", "Biblioteca comunale – sezione ragazzi", None),
        ("fasciatoio", "Fasciatoio – Palazzetto dello sport", None),
        ("parcheggio_rosa", "Parcheggio rosa – Ambulatori medici", None),
    ]
    streets = ["Via Roma", "Via Dante", "Via Garibaldi", "Via della Stazione", "Via San Giuseppe",
               "Viale Trento", "Via delle Scuole", "Via Fratelli Bronzetti"]
    places = []
    counts = [4, 4, 3, 3, 3, 2, 2, 2, 2, 2, 2, 1]
    for m, k in zip(munis, counts):
        for j, (cat, name, addr) in enumerate(rng.sample(place_kinds, k)):
            place = {"id": "pl-%s-%02d" % (m["code"], j + 1), "body": m["code"], "name": name,
                     "category": cat, "location": jitter(rng, m["lat"], m["lon"], 0.004),
                     "address": m["addr"] if addr else "%s, %d" % (rng.choice(streets),
                                                                   rng.randint(1, 60)),
                     "since": rand_date(rng, "2016-01-01", "2022-06-30")}
            places.append(place)

    certifications = []
    for body, events in FAMILY_CERTS.items():
        for status, day, expires in events:
            rec = {"body": body, "scheme": "family-in-trentino", "status": status, "date": day}
            if expires:
                rec["expires"] = expires
            certifications.append(rec)
    # The national two-phase scheme: base certificates granted on application.
    for body, day in FAMILY_ITALIA_BASE:
        certifications.append({"body": body, "scheme": "family-in-italia-base", "status": "granted",
                               "date": day})

    # citizens' feedback on approved plans' actions
    feedback = []
    candidates = [(p, a) for p in plans if p["status"] == "approved" for a in p["actions"]
                  if a["status"] in ("completed", "in_progress")]
    for p, a in sorted(rng.sample(candidates, 20), key=lambda pa: (pa[0]["id"], pa[1]["id"])):
        rating = rng.choices([5, 4, 3, 2, 1], [34, 33, 18, 10, 5])[0]
        fb = {"action": "%s/%s" % (p["id"], a["id"]), "rating": rating}
        if rng.random() < 0.85:
            fb["comment"] = rng.choice(FEEDBACK_COMMENTS[rating])
        fb["date"] = rand_date(rng, a["start"], min(add_days(a["end"], 90), "2023-03-31"))
        feedback.append(fb)

    users = [
        {"id": "u-agenzia-admin", "name": "Chiara Dallapiccola",
         "roles": [{"role": "admin", "body": "agenzia-famiglia-tn"}]},
        {"id": "u-pat-revisore", "name": "Paolo Bonvecchio",
         "roles": [{"role": "reviewer", "body": "pat"}]},
        {"id": "u-pergine-editor", "name": "Elisa Fontanari",
         "roles": [{"role": "editor", "body": "022139"}]},
        {"id": "u-trento-editor", "name": "Luca Mosna",
         "roles": [{"role": "editor", "body": "022205"},
                   {"role": "viewer", "body": "distretto-famiglia-trentino-nord"}]},
        {"id": "u-distretto-sud-viewer", "name": "Martina Zanoni",
         "roles": [{"role": "viewer", "body": "distretto-famiglia-trentino-sud"}]},
    ]
    return bundle(bodies=bodies, taxonomies=[taxonomy], plans=plans, statistics=statistics,
                  indicators=FAMILY_INDICATORS, rulesets=FAMILY_RULESETS,
                  feedback=feedback, certifications=certifications, places=places, users=users)


# =========================================================================== indicators

def indicator(iid, label, formula, levels, unit=None, decimals=None, target=None,
              description=None, formulas=None):
    """An indicator definition (DESIGN §6)."""
    out = {"id": iid, "label": label}
    if unit:
        out["unit"] = unit
    if formulas:
        out["formulas"] = [{"from": y, "formula": f} for y, f in formulas]
    else:
        out["formula"] = formula
    out["levels"] = levels
    if decimals is not None:
        out["decimals"] = decimals
    if target:
        out["target"] = {"op": target[0], "value": target[1]}
    if description:
        out["description"] = description
    return out


FAMILY_LEVELS = ["municipality", "district", "province"]

FAMILY_INDICATORS = [
    indicator("fam_actions_per_1000", "Azioni del piano famiglia ogni 1.000 abitanti",
              'actions(plan_kind: "family") / population * 1000', FAMILY_LEVELS,
              unit="azioni / 1.000 ab.", decimals=2),
    indicator("fam_spend_per_inhabitant", "Spesa programmata per le famiglie per abitante",
              'budget(plan_kind: "family") / population', FAMILY_LEVELS, unit="€ / ab.",
              decimals=2, target=(">=", 5),
              description="Budget pianificato dei piani famiglia approvati nell'anno, diviso "
                          "per la popolazione residente (rapporto delle somme per i gruppi)."),
    indicator("fam_spend_actual_share", "Quota di spesa rendicontata",
              'budget("actual", plan_kind: "family") / budget(plan_kind: "family")',
              FAMILY_LEVELS, unit="quota", decimals=3),
    indicator("fam_macro_areas", "Macro-aree coperte dal piano famiglia",
              'categories("family-tn", 1, plan_kind: "family")', FAMILY_LEVELS,
              unit="macro-aree su 5", target=(">=", 4)),
    indicator("fam_completed_share", "Quota di azioni concluse",
              'actions(plan_kind: "family", status: "completed") / actions(plan_kind: "family")',
              FAMILY_LEVELS, unit="quota", decimals=3),
    indicator("fam_completion", "Avanzamento medio ponderato sul budget",
              'completion(plan_kind: "family")', FAMILY_LEVELS, unit="%", decimals=1),
    indicator("fam_places_per_1000_children", "Luoghi family ogni 1.000 bambini (0-14)",
              "places() / children * 1000", FAMILY_LEVELS, unit="luoghi / 1.000 bambini",
              decimals=2),
    indicator("fam_large_family_fees", "Azioni di agevolazione per famiglie numerose",
              'actions(category: "family-tn:T23")', FAMILY_LEVELS, unit="azioni"),
    indicator("fam_economic_measures_per_child", "Spesa in misure economiche per bambino",
              None, FAMILY_LEVELS, unit="€ / bambino", decimals=2,
              formulas=[(2020, 'budget(plan_kind: "family") / children'),
                        (2022, 'budget(plan_kind: "family", category: "family-tn:B") / children')],
              description="Dal 2022 conta solo la macro-area B (Misure economiche)."),
    indicator("fam_population_change", "Variazione della popolazione sull'anno precedente",
              "population - population[-1]", FAMILY_LEVELS, unit="abitanti"),
    indicator("fam_certified_share", "Quota di comuni con certificazione Family in Trentino",
              'members(held("family-in-trentino"), "share")', ["district", "province"],
              unit="quota", decimals=3),
    indicator("fam_large_municipalities_share", "Quota di comuni sopra 5.000 abitanti",
              'members(population > 5000, "share")', ["district", "province"], unit="quota",
              decimals=3),
]

ZONE_LEVELS = ["district", "region"]
ZONE_AREAS = [("TRA", "interventi trasversali"), ("DOM", "domiciliarità"),
              ("POV", "povertà"), ("MIN", "minori e famiglie"), ("NA", "non autosufficienza"),
              ("DIS", "disabilità"), ("SMD", "salute mentale e dipendenze"),
              ("IMM", "immigrazione"), ("VIO", "violenza di genere")]

ZONE_INDICATORS = [
    indicator("zone_spend_per_inhabitant", "Spesa programmata del Piano di zona per abitante",
              'budget(plan_kind: "zone") / population', ZONE_LEVELS, unit="€ / ab.", decimals=2),
    indicator("zone_actual_share", "Quota di spesa rendicontata sul programmato",
              'budget("actual", plan_kind: "zone") / budget(plan_kind: "zone")', ZONE_LEVELS,
              unit="quota", decimals=3),
    indicator("zone_implementation_ratio", "Piano attuativo rispetto al Piano di zona",
              'budget(plan_kind: "zone", variant: "implementation") / '
              'budget(plan_kind: "zone", variant: "original")', ZONE_LEVELS, unit="rapporto",
              decimals=3,
              description="Spesa programmata dal piano attuativo annuale diviso la spesa "
                          "prevista per lo stesso anno dal Piano di zona triennale."),
] + [
    indicator("zone_share_%s" % code.lower(), "Quota di spesa: %s" % label,
              'budget(plan_kind: "zone", category: "zone-er:%s") / budget(plan_kind: "zone")' % code,
              ZONE_LEVELS, unit="quota", decimals=3)
    for code, label in ZONE_AREAS
] + [
    indicator("zone_share_%s" % source, "Quota di finanziamento %s" % label,
              'budget(plan_kind: "zone", source: "%s") / budget(plan_kind: "zone")' % source,
              ZONE_LEVELS, unit="quota", decimals=3)
    for source, label in (("regional", "regionale"), ("state", "statale"),
                          ("municipal", "comunale"))
]

DIGITAL_INDICATORS = [
    indicator("da_sheets_%s" % horizon, "Schede progetto: %s" % label,
              'actions(plan_kind: "digital_agenda", horizon: "%s")' % horizon, ["municipality"],
              unit="schede")
    for horizon, label in (("ongoing", "in corso"), ("scheduled", "programmate"),
                           ("short_term", "breve termine"), ("long_term", "lungo termine"))
] + [
    indicator("da_sheets_%s" % objective.replace("-", "_"), "Schede progetto per obiettivo: %s" % objective,
              'actions(plan_kind: "digital_agenda", objective: "%s")' % objective,
              ["municipality"], unit="schede")
    for objective in ("semplificazione", "promozione", "competenze", "nuovi-servizi",
                      "governance", "infrastrutture")
] + [
    indicator("da_completion", "Avanzamento dell'agenda digitale",
              'completion(plan_kind: "digital_agenda")', ["municipality"], unit="%", decimals=1),
]

SOCIAL_LEVELS = ["municipality", "union"]

SOCIAL_INDICATORS = [
    indicator("soc_cases_per_1000", "Prese in carico ogni 1.000 abitanti",
              "cases() / population * 1000", SOCIAL_LEVELS, unit="casi / 1.000 ab.", decimals=2),
    indicator("soc_new_cases", "Nuove prese in carico nell'anno", "new_cases()", SOCIAL_LEVELS,
              unit="casi"),
    indicator("soc_minors_cases", "Prese in carico dell'area minori",
              'cases(service: "servizi-sociali:minori")', SOCIAL_LEVELS, unit="casi"),
    indicator("soc_elderly_cases_per_1000_over65", "Prese in carico anziani ogni 1.000 over 65",
              'cases(service: "servizi-sociali:anziani") / population_65_plus * 1000',
              SOCIAL_LEVELS, unit="casi / 1.000 over 65", decimals=2),
]

LEDGER_LEVELS = ["municipality", "union"]

LEDGER_INDICATORS = [
    indicator("fee_collection_rate", "Tasso di riscossione delle tariffe",
              "collected() / charged()", LEDGER_LEVELS, unit="quota", decimals=3,
              target=(">=", 0.9)),
] + [
    indicator("fee_collection_rate_%s" % service, "Tasso di riscossione: %s" % label,
              'collected(service: "%s") / charged(service: "%s")' % (service, service),
              LEDGER_LEVELS, unit="quota", decimals=3, target=(">=", 0.9))
    for service, label in (("mensa", "mensa scolastica"),
                           ("trasporto_scolastico", "trasporto scolastico"),
                           ("nido", "asilo nido"))
] + [
    indicator("fee_charged_per_inhabitant", "Tariffe emesse per abitante",
              "charged() / population", LEDGER_LEVELS, unit="€ / ab.", decimals=2),
]


# =========================================================================== rulesets

def check(rid, label, expr, points=0, mandatory=False):
    out = {"id": rid, "label": label}
    if mandatory:
        out["mandatory"] = True
    if points:
        out["points"] = points
    out["check"] = expr
    return out


def score(rid, label, expr):
    return {"id": rid, "label": label, "score": expr}


def family_area_scores(weights):
    """Points per macro-area of the family taxonomy: weight per action, capped."""
    labels = {"A": "Governance e azioni di rete", "B": "Misure economiche",
              "C": "Informazione e comunicazione", "D": "Comunità educante",
              "E": "Welfare territoriale e sostenibilità"}
    return [score("area_%s" % area.lower(), "Punteggio macro-area %s – %s" % (area, labels[area]),
                  'min(actions(plan_kind: "family", category: "family-tn:%s") * %d, %d)'
                  % (area, per_action, cap))
            for area, (per_action, cap) in weights.items()]


FAMILY_RULESETS = [
    {"id": "family-in-trentino",
     "label": "Comune amico della famiglia – standard Family in Trentino",
     "applies_to": ["municipality"],
     "versions": [
         {"from": 2006,
          "parameters": {"azioni_minime": 5},
          "rules": [check("piano_famiglia", "Piano famiglia approvato",
                          'plans(kind: "family") >= 1', mandatory=True),
                    check("azioni_minime", "Numero minimo di azioni del piano",
                          'actions(plan_kind: "family") >= param("azioni_minime")', points=4)]
                   + family_area_scores({"A": (3, 12), "B": (3, 12), "C": (3, 9), "D": (2, 10),
                                         "E": (2, 10)}),
          "pass": {"min_points": 44}},
         {"from": 2012,
          "parameters": {"soglia_popolazione": 5000, "spesa_minima_per_abitante": 5,
                         "macro_aree_minime": 4, "punti_minimi_sopra_soglia": 58,
                         "punti_minimi_sotto_soglia": 52},
          "rules": [check("piano_famiglia", "Piano famiglia approvato",
                          'plans(kind: "family") >= 1', mandatory=True),
                    check("piano_giovani", "Adesione al Piano giovani di zona (tipo azione 11)",
                          'actions(plan_kind: "family", category: "family-tn:T11") >= 1',
                          points=4, mandatory=True),
                    check("famiglie_numerose",
                          "Agevolazioni tariffarie per famiglie numerose (tipo azione 23)",
                          'actions(plan_kind: "family", category: "family-tn:T23") >= 1',
                          points=4, mandatory=True),
                    check("copertura_macro_aree", "Macro-aree coperte dal piano",
                          'categories("family-tn", 1, plan_kind: "family") >= param("macro_aree_minime")',
                          points=6),
                    check("spesa_per_abitante", "Spesa programmata per abitante",
                          'budget(plan_kind: "family") / population >= param("spesa_minima_per_abitante")',
                          points=6)]
                   + family_area_scores({"A": (4, 12), "B": (3, 15), "C": (3, 9), "D": (3, 12),
                                         "E": (3, 12)}),
          "pass": {"min_points": 'if(population > param("soglia_popolazione"), '
                                 'param("punti_minimi_sopra_soglia"), param("punti_minimi_sotto_soglia"))'}}]},
    {"id": "family-in-italia-base",
     "label": "Family in Italia – certificato base (requisiti 1-5)",
     "applies_to": ["municipality"],
     "versions": [
         {"from": 2017, "parameters": {},
          "rules": [check("req1_piano", "1. Piano famiglia approvato",
                          'plans(kind: "family") >= 1', mandatory=True),
                    check("req2_commissione", "2. Commissione interdisciplinare (tipo azione 16)",
                          'actions(category: "family-tn:T16") >= 1', mandatory=True),
                    check("req3_competenza", "3. Competenza famiglia in capo al sindaco e rete "
                                             "istituzionale (tipo azione 9)",
                          'actions(category: "family-tn:T9") >= 1', mandatory=True),
                    check("req4_referente", "4. Dirigente coordinatore e promozione degli "
                                            "strumenti (tipo azione 1)",
                          'actions(category: "family-tn:T1") >= 1', mandatory=True),
                    check("req5_marchio", "5. Adesione ai marchi familiari (tipo azione 3)",
                          'actions(category: "family-tn:T3") >= 1', mandatory=True)],
          "pass": {}}]},
    {"id": "family-in-italia-exec",
     "label": "Family in Italia – certificato esecutivo (requisiti 6-10 entro due anni)",
     "applies_to": ["municipality"],
     "versions": [
         {"from": 2017, "parameters": {"anni_massimi": 2},
          "rules": [check("certificato_base", "Certificato base in corso di validità",
                          'held("family-in-italia-base")', mandatory=True),
                    check("entro_due_anni", "Requisiti 6-10 soddisfatti entro due anni dal base",
                          'years_held("family-in-italia-base") <= param("anni_massimi")',
                          mandatory=True),
                    check("req6_autovalutazione", "6. Autovalutazione (tipo azione 17)",
                          'actions(category: "family-tn:T17") >= 1', mandatory=True),
                    check("req7_coinvolgimento", "7. Coinvolgimento delle famiglie (tipo azione 12)",
                          'actions(category: "family-tn:T12") >= 1', mandatory=True),
                    check("req8_sportello", "8. Sportello famiglia (tipo azione 51)",
                          'actions(category: "family-tn:T51") >= 1', mandatory=True),
                    check("req9_dossier", "9. Dossier e carta dei servizi (tipo azione 20)",
                          'actions(category: "family-tn:T20") >= 1', mandatory=True),
                    check("req10_report", "10. Report delle azioni realizzate",
                          'actions(plan_kind: "family", status: "completed") >= 1',
                          mandatory=True)],
          "pass": {}}]},
]


# =========================================================================== (b) zone

ZONE_TAXONOMY = {
    "id": "zone-er",
    "version": "2018",
    "label": "Aree di intervento dei Piani di zona per la salute e il benessere sociale – "
             "Emilia-Romagna",
    "nodes": [
        {"code": "TRA", "label": "Interventi trasversali e di sistema"},
        {"code": "TRA.1", "label": "Servizio sociale territoriale e sportelli sociali",
         "parents": ["TRA"]},
        {"code": "TRA.2", "label": "Programmazione, monitoraggio e Ufficio di Piano",
         "parents": ["TRA"]},
        {"code": "DOM", "label": "Domiciliarità e prossimità"},
        {"code": "DOM.1", "label": "Assistenza domiciliare", "parents": ["DOM"]},
        {"code": "DOM.2", "label": "Custodia sociale e servizi di prossimità", "parents": ["DOM"]},
        {"code": "POV", "label": "Prevenzione e contrasto alla povertà"},
        {"code": "POV.1", "label": "Misure di sostegno al reddito (RES, REI, Reddito di "
                                   "cittadinanza)", "parents": ["POV"]},
        {"code": "POV.2", "label": "Inserimento lavorativo delle persone fragili (L.R. 14/2015)",
         "parents": ["POV"]},
        {"code": "POV.3", "label": "Emergenza abitativa", "parents": ["POV"]},
        {"code": "MIN", "label": "Minori e famiglie"},
        {"code": "MIN.1", "label": "Centri per le famiglie e sostegno alla genitorialità",
         "parents": ["MIN"]},
        {"code": "MIN.2", "label": "Tutela minori e affido familiare", "parents": ["MIN"]},
        {"code": "MIN.3", "label": "Servizi educativi 0-3 anni e conciliazione", "parents": ["MIN"]},
        {"code": "MIN.4", "label": "Adolescenza", "parents": ["MIN"]},
        {"code": "NA", "label": "Non autosufficienza"},
        {"code": "NA.1", "label": "Assegni di cura", "parents": ["NA"]},
        {"code": "NA.2", "label": "Centri diurni e accoglienza temporanea di sollievo",
         "parents": ["NA"]},
        {"code": "NA.3", "label": "Sostegno ai caregiver familiari", "parents": ["NA", "DOM"],
         "description": "Legge regionale 2/2014; interventi sia per la non autosufficienza sia "
                        "per la domiciliarità."},
        {"code": "DIS", "label": "Disabilità"},
        {"code": "DIS.1", "label": "Inserimento socio-occupazionale e tirocini",
         "parents": ["DIS"]},
        {"code": "DIS.2", "label": "Dopo di noi (L. 112/2016)", "parents": ["DIS", "NA"]},
        {"code": "SMD", "label": "Salute mentale e dipendenze"},
        {"code": "SMD.1", "label": "Prevenzione delle dipendenze e del gioco d'azzardo patologico",
         "parents": ["SMD"]},
        {"code": "SMD.2", "label": "Budget di salute", "parents": ["SMD"]},
        {"code": "IMM", "label": "Immigrazione"},
        {"code": "IMM.1", "label": "Mediazione interculturale e apprendimento dell'italiano",
         "parents": ["IMM"]},
        {"code": "IMM.2", "label": "Accoglienza di richiedenti e titolari di protezione "
                                   "internazionale", "parents": ["IMM"]},
        {"code": "VIO", "label": "Contrasto alla violenza di genere"},
        {"code": "VIO.1", "label": "Centri antiviolenza e case rifugio", "parents": ["VIO"]},
    ],
}

ZONE_OBJECTIVES = [
    ("os1", "Lotta all'esclusione, alla fragilità e alla povertà",
     "Ridurre le disuguaglianze sostenendo il reddito, l'abitare e il lavoro delle persone fragili."),
    ("os2", "Il Distretto come nodo strategico dell'integrazione sociale e sanitaria",
     "Integrare servizi sociali comunali e servizi sanitari dell'AUSL nella presa in carico."),
    ("os3", "Nuovi strumenti di prossimità",
     "Sostenere la domiciliarità e le reti di comunità vicino alle persone."),
    ("os4", "Aumentare la partecipazione e la responsabilizzazione dei cittadini",
     "Coinvolgere famiglie, terzo settore e volontariato nella programmazione."),
    ("os5", "Qualificazione dei servizi",
     "Migliorare accesso, qualità e monitoraggio degli interventi sociali e sociosanitari."),
]

UDP = "Ufficio di Piano distrettuale"
STP = "Servizio sociale territoriale – Unione Terre di Pianura"
STR = "Servizio sociale territoriale – Unione Reno Galliera"
AUSL = "AUSL di Bologna – Distretto Pianura Est"
ASP = "ASP Pianura Est"

# id, title, description, categories, objective, annual base (euros), sources, responsible,
# partners, target (metric, unit, baseline, target)
ZONE_SHEETS = [
    ("s01", "Rafforzamento del Servizio sociale territoriale e degli sportelli sociali",
     "Potenziamento degli sportelli sociali unificati e dell'équipe multiprofessionale per "
     "l'accesso e la presa in carico, con la quota servizi del Fondo povertà.",
     ["TRA.1"], "os5", 180000, [("state", 0.5), ("municipal", 0.5)], UDP,
     [("Unione Terre di Pianura", "gestione associata"), ("Unione Reno Galliera", "gestione associata")],
     ("accessi agli sportelli sociali", "accessi", 9800, 11000)),
    ("s02", "Ufficio di Piano: programmazione, monitoraggio e valutazione",
     "Funzionamento dell'Ufficio di Piano, sistema informativo e percorsi partecipativi con il "
     "terzo settore per la programmazione distrettuale.",
     ["TRA.2"], "os4", 60000, [("regional", 0.6), ("municipal", 0.4)], UDP,
     [("Forum del terzo settore", "partecipazione")],
     ("incontri di programmazione partecipata", "numero", 6, 10)),
    ("s03", "Assistenza domiciliare socio-assistenziale",
     "Servizio di assistenza domiciliare per anziani e persone con disabilità, con interventi "
     "di igiene personale, aiuto domestico e accompagnamento.",
     ["DOM.1"], "os3", 220000, [("municipal", 0.5), ("regional", 0.5)], ASP,
     [("Cooperativa sociale accreditata", "accreditamento")],
     ("utenti in assistenza domiciliare", "persone", 310, 340)),
    ("s04", "Custodia sociale e portierato di quartiere",
     "Presidio di prossimità negli alloggi di edilizia residenziale pubblica con operatori di "
     "custodia sociale e volontari.",
     ["DOM.2"], "os3", 45000, [("municipal", 0.6), ("regional", 0.4)], STP,
     [("ACER Bologna", "convenzione"), ("Auser", "volontariato")],
     ("nuclei seguiti dalla custodia sociale", "famiglie", 60, 80)),
    ("s05", "Reddito di solidarietà e misure di contrasto alla povertà",
     "Gestione del RES regionale e del REI nazionale: valutazione multidimensionale, progetti "
     "personalizzati e contributi economici.",
     ["POV.1"], "os1", 260000, [("regional", 0.7), ("state", 0.3)], UDP, [],
     ("nuclei beneficiari di RES o REI", "famiglie", 420, 520)),
    ("s06", "Inserimento lavorativo delle persone fragili e vulnerabili (L.R. 14/2015)",
     "Équipe integrate servizi sociali, sanitari e per il lavoro; tirocini e formazione "
     "cofinanziati dal Fondo sociale europeo.",
     ["POV.2"], "os1", 150000, [("regional", 0.4), ("eu", 0.4), ("municipal", 0.2)], UDP,
     [("Centro per l'impiego di Budrio", "équipe integrata"), ("AUSL di Bologna", "équipe integrata")],
     ("persone con programma personalizzato", "persone", 140, 180)),
    ("s07", "Emergenza abitativa e Agenzia sociale per l'affitto",
     "Alloggi di transizione, fondo per la morosità incolpevole e intermediazione con i "
     "proprietari tramite l'agenzia sociale per l'affitto.",
     ["POV.3"], "os1", 90000, [("municipal", 0.7), ("regional", 0.3)], STR,
     [("ACER Bologna", "convenzione")], ("nuclei accolti in alloggi di transizione", "famiglie", 18, 25)),
    ("s08", "Centro per le famiglie distrettuale",
     "Informafamiglie, consulenza educativa, mediazione familiare e percorsi per neo-genitori "
     "del Centro per le famiglie.",
     ["MIN.1"], "os4", 85000, [("regional", 0.5), ("municipal", 0.5)], STP, [],
     ("famiglie che accedono al Centro", "famiglie", 650, 800)),
    ("s09", "Tutela minori, affido familiare e accoglienza",
     "Interventi di tutela su mandato dell'Autorità giudiziaria, promozione dell'affido e "
     "inserimenti in comunità.",
     ["MIN.2"], "os2", 240000, [("municipal", 0.7), ("regional", 0.3)], ASP,
     [("Tribunale per i minorenni di Bologna", "rapporto istituzionale")],
     ("minori in affido familiare", "minori", 28, 35)),
    ("s10", "Progetto adolescenza: educativa di strada e spazi di aggregazione",
     "Educatori di strada nei comuni del distretto, spazi di aggregazione pomeridiani e "
     "sportelli d'ascolto nelle scuole secondarie.",
     ["MIN.4"], "os3", 70000, [("municipal", 0.6), ("regional", 0.4)], UDP,
     [("Istituti comprensivi del distretto", "collaborazione")],
     ("ragazzi agganciati dall'educativa di strada", "ragazzi", 220, 280)),
    ("s11", "Sostegno alla conciliazione: abbattimento delle rette dei nidi",
     "Contributi ai comuni per ridurre le rette dei nidi d'infanzia e ampliare i posti "
     "convenzionati.",
     ["MIN.3"], "os1", 110000, [("regional", 0.5), ("state", 0.5)], UDP, [],
     ("bambini con retta ridotta", "bambini", 380, 450)),
    ("s12", "Assegni di cura per anziani non autosufficienti",
     "Contributo economico alle famiglie che assistono a domicilio un anziano non "
     "autosufficiente, finanziato dal Fondo regionale per la non autosufficienza.",
     ["NA.1"], "os3", 200000, [("regional", 1.0)], AUSL, [],
     ("assegni di cura attivi", "persone", 190, 210)),
    ("s13", "Centri diurni e ricoveri temporanei di sollievo",
     "Posti accreditati nei centri diurni per anziani e ricoveri di sollievo per le famiglie "
     "che assistono un congiunto.",
     ["NA.2"], "os2", 130000, [("regional", 0.7), ("municipal", 0.3)], AUSL,
     [("ASP Pianura Est", "gestione")], ("giornate di ricovero di sollievo", "giornate", 1500, 1800)),
    ("s14", "Sostegno al caregiver familiare (L.R. 2/2014)",
     "Riconoscimento e sostegno del caregiver familiare: sportelli, gruppi di auto-mutuo aiuto, "
     "formazione e interventi di sollievo.",
     ["NA.3"], "os3", 40000, [("regional", 0.6), ("state", 0.4)], UDP,
     [("Associazione Alzheimer", "co-progettazione")], ("caregiver raggiunti", "persone", 80, 150)),
    ("s15", "Inserimento socio-occupazionale delle persone con disabilità",
     "Tirocini formativi e laboratori socio-occupazionali per persone con disabilità, "
     "in collaborazione con le cooperative sociali di tipo B.",
     ["DIS.1"], "os1", 95000, [("regional", 0.5), ("eu", 0.3), ("municipal", 0.2)], ASP,
     [("Cooperative sociali di tipo B", "convenzione")], ("tirocini attivati", "numero", 45, 60)),
    ("s16", "«Dopo di noi»: percorsi di autonomia abitativa (L. 112/2016)",
     "Percorsi di accompagnamento all'autonomia e gruppi appartamento per persone con "
     "disabilità grave prive del sostegno familiare.",
     ["DIS.2"], "os3", 75000, [("state", 0.8), ("municipal", 0.2)], UDP,
     [("Fondazione di partecipazione Dopo di noi", "co-progettazione")],
     ("persone in percorsi di autonomia", "persone", 12, 20)),
    ("s17", "Prevenzione e contrasto al gioco d'azzardo patologico",
     "Campagne informative, formazione degli esercenti e sportello di ascolto per giocatori e "
     "familiari.",
     ["SMD.1"], "os2", 30000, [("regional", 1.0)], AUSL, [("SerDP Pianura Est", "collaborazione")],
     ("esercenti formati", "persone", 0, 60)),
    ("s18", "Budget di salute per le persone seguite dal Centro di salute mentale",
     "Progetti personalizzati su abitare, lavoro e socialità co-finanziati da comuni e AUSL.",
     ["SMD.2"], "os2", 65000, [("regional", 0.6), ("municipal", 0.4)], AUSL,
     [("Centro di salute mentale di Budrio", "co-gestione")],
     ("progetti con budget di salute", "progetti", 35, 45)),
    ("s19", "Mediazione interculturale e corsi di italiano per adulti stranieri",
     "Mediatori linguistico-culturali nei servizi e corsi di italiano con servizio di custodia "
     "dei bambini, cofinanziati dal fondo europeo FAMI.",
     ["IMM.1"], "os1", 55000, [("eu", 0.6), ("municipal", 0.4)], UDP,
     [("CPIA Metropolitano di Bologna", "convenzione")],
     ("ore di mediazione erogate", "ore", 1800, 2200)),
    ("s20", "Accoglienza e integrazione dei titolari di protezione internazionale (SIPROIMI)",
     "Progetto di accoglienza integrata con appartamenti diffusi, orientamento al lavoro e "
     "all'abitare.",
     ["IMM.2"], "os1", 120000, [("state", 0.9), ("municipal", 0.1)], UDP,
     [("Ente gestore del progetto di accoglienza", "convenzione")],
     ("posti di accoglienza", "posti", 30, 36)),
]

ZONE_NEW_2019 = [
    ("s21", "Patti per l'inclusione sociale dei beneficiari del Reddito di cittadinanza",
     "Rafforzamento dell'équipe multidisciplinare per la valutazione e la sottoscrizione dei "
     "Patti per l'inclusione sociale previsti dal D.L. 4/2019.",
     ["POV.1"], "os1", 140000, [("state", 1.0)], UDP,
     [("Centro per l'impiego di Budrio", "équipe integrata")],
     ("patti per l'inclusione sottoscritti", "numero", 0, 150)),
    ("s22", "Sportello distrettuale del centro antiviolenza",
     "Apertura di uno sportello di ascolto e accompagnamento per donne vittime di violenza, "
     "con reperibilità e accesso alle case rifugio.",
     ["VIO.1"], "os2", 38000, [("regional", 0.7), ("municipal", 0.3)], UDP,
     [("Casa delle donne per non subire violenza", "convenzione")],
     ("donne accolte", "persone", 0, 60)),
]

EMILIA = [
    # code, name, lat, lon, population 2019, union
    ("037008", "Budrio", 44.5374, 11.5347, 18520, "unione-terre-di-pianura"),
    ("037019", "Castel Maggiore", 44.5774, 11.3600, 18490, "unione-reno-galliera"),
    ("037039", "Molinella", 44.6192, 11.6665, 15690, "unione-terre-di-pianura"),
    ("037021", "Castenaso", 44.5097, 11.4703, 15290, None),
    ("037055", "San Pietro in Casale", 44.7002, 11.4052, 12710, "unione-reno-galliera"),
    ("037030", "Granarolo dell'Emilia", 44.5530, 11.4430, 11920, "unione-terre-di-pianura"),
    ("037038", "Minerbio", 44.6172, 11.4911, 8780, "unione-terre-di-pianura"),
    ("037003", "Baricella", 44.6474, 11.5351, 7010, "unione-terre-di-pianura"),
]


def zone_targets(rng, spec, done_share):
    metric, unit, base, goal = spec
    t = {"metric": metric, "unit": unit, "baseline": base, "target": goal}
    if done_share is not None:
        t["actual"] = base + round((goal - base) * done_share * rng.uniform(0.8, 1.15))
    return t


def gen_zone():
    rng = random.Random(SEED + 2)
    bodies = [
        {"id": "er", "kind": "region", "name": "Regione Emilia-Romagna", "parents": [],
         "location": loc(44.5075, 11.3514)},
        {"id": "cm-bologna", "kind": "province", "name": "Città metropolitana di Bologna",
         "parents": [{"id": "er"}], "location": loc(44.4942, 11.3426),
         "attributes": {"sigla": "BO"}},
        {"id": "dist-pianura-est", "kind": "district",
         "name": "Distretto socio-sanitario Pianura Est – Ufficio di Piano",
         "parents": [{"id": "er"}], "location": loc(44.5374, 11.5347),
         "attributes": {"azienda_usl": "AUSL di Bologna", "sede_ufficio_di_piano": "Budrio"}},
        {"id": "unione-terre-di-pianura", "kind": "union", "name": "Unione Terre di Pianura",
         "parents": [{"id": "cm-bologna"}], "location": loc(44.5374, 11.5347),
         "attributes": {"anno_costituzione": 2012}},
        {"id": "unione-reno-galliera", "kind": "union", "name": "Unione Reno Galliera",
         "parents": [{"id": "cm-bologna"}], "location": loc(44.6458, 11.3769),
         "attributes": {"anno_costituzione": 2008}},
    ]
    statistics = []
    for code, name, lat, lon, pop, union in EMILIA:
        parents = [{"id": "cm-bologna"}, {"id": "dist-pianura-est"}]
        if union:
            parents.append({"id": union, "from": 2012 if union == "unione-terre-di-pianura"
                            else 2008})
        bodies.append(municipality(code, name, lat, lon, parents, provincia="BO"))
        share65 = rng.uniform(0.21, 0.25)
        for year, drift in ((2018, rng.uniform(-0.008, 0.002)), (2019, 0.0),
                            (2020, rng.uniform(-0.004, 0.006))):
            p = int(round(pop * (1 + drift)))
            statistics.append({"variable": "population", "body": code, "year": year, "value": p})
            statistics.append({"variable": "population_65_plus", "body": code, "year": year,
                               "value": int(round(p * (share65 + 0.003 * (year - 2018))))})

    scale = 0.6
    sheet_base = {}

    def sheet(spec, years, mode):
        sid, title, desc, cats, obj, base, shares, resp, partners, target = spec
        a = {"id": sid, "title": title, "description": desc,
             "categories": ["zone-er:%s" % c for c in cats], "objective": obj}
        budget = []
        for y in years:
            key = (sid, y)
            if key not in sheet_base:
                sheet_base[key] = nice(base * scale * (1 + 0.03 * (y - 2018))
                                       * rng.uniform(0.95, 1.05))
            planned = sheet_base[key]
            if mode == "implementation":
                planned = nice(planned * rng.uniform(0.9, 1.15))
            for line in budget_lines(y, planned, shares):
                if (mode == "original" and y == 2018) or mode == "implementation":
                    line["actual"] = money(line["planned"] * rng.uniform(0.86, 1.0))
                budget.append(line)
        if mode == "original":
            a["status"] = "in_progress"
            a["start"], a["end"] = "2018-01-01", "2020-12-31"
            a["progress"] = [{"date": "2018-12-31", "completion": rng.choice([25, 30, 35]),
                              "note": "Rendicontazione della prima annualità."}]
            done = None
        else:
            a["status"] = rng.choices(["completed", "in_progress"], [80, 20])[0]
            a["start"], a["end"] = "2019-01-01", "2019-12-31"
            last = 100 if a["status"] == "completed" else rng.choice([70, 80, 90])
            a["progress"] = [{"date": "2019-06-30", "completion": rng.choice([40, 50, 60])},
                             {"date": "2019-12-31", "completion": last,
                              "note": "Programma attuativo 2019: intervento realizzato."
                              if last == 100 else "Programma attuativo 2019: attività proseguita "
                                                  "nel 2020."}]
            done = 1.0 if last == 100 else 0.7
        a["responsible"] = resp
        if partners:
            a["partners"] = [{"name": n, "kind": k} for n, k in partners]
        a["budget"] = budget
        a["targets"] = [zone_targets(rng, target, done)]
        a["tags"] = ["piano di zona"]
        return a

    plan_actions = [sheet(s, (2018, 2019, 2020), "original") for s in ZONE_SHEETS]
    # s14 (caregiver) builds on the home care service, s21 on the income-support sheet
    for a in plan_actions:
        if a["id"] == "s14":
            a["depends_on"] = ["s03"]
    zone_plan = {
        "id": "pdz-pianura-est-2018-2020", "kind": "zone", "body": "dist-pianura-est",
        "title": "Piano di zona distrettuale per la salute e il benessere sociale 2018-2020 – "
                 "Distretto Pianura Est",
        "period": {"from": 2018, "to": 2020}, "status": "approved", "variant": "original",
        "approval": {"date": "2018-06-28",
                     "act": "Accordo di programma sottoscritto in Comitato di Distretto il "
                            "28/06/2018"},
        "objectives": [{"id": i, "title": t, "description": d} for i, t, d in ZONE_OBJECTIVES],
        "actions": plan_actions,
        "revision": 1,
    }
    dropped = {"s04", "s17"}
    impl_actions = [sheet(s, (2019,), "implementation") for s in ZONE_SHEETS
                    if s[0] not in dropped]
    impl_actions += [sheet(s, (2019,), "implementation") for s in ZONE_NEW_2019]
    for a in impl_actions:
        if a["id"] == "s14":
            a["depends_on"] = ["s03"]
        if a["id"] == "s21":
            a["depends_on"] = ["s05"]
    spent = sum(line["actual"] for a in impl_actions for line in a["budget"])
    impl_plan = {
        "id": "pda-pianura-est-2019", "kind": "zone", "body": "dist-pianura-est",
        "title": "Programma attuativo 2019 del Piano di zona – Distretto Pianura Est",
        "period": {"from": 2019, "to": 2019}, "status": "approved", "variant": "implementation",
        "based_on": "pdz-pianura-est-2018-2020",
        "approval": {"date": "2019-06-27",
                     "act": "Delibera del Comitato di Distretto n. 3 del 27/06/2019"},
        "objectives": zone_plan["objectives"],
        "actions": impl_actions,
        "evaluation": {"date": "2020-05-29",
                       "text": "Rendicontazione del programma attuativo 2019: %d schede "
                               "intervento, spesa complessiva di %s euro. La custodia sociale "
                               "è confluita nell'assistenza domiciliare e la prevenzione del gioco "
                               "d'azzardo è finanziata direttamente dall'AUSL; nuove schede per il "
                               "Reddito di cittadinanza e per il centro antiviolenza."
                               % (len(impl_actions), format(round(spent), ",").replace(",", "."))},
        "revision": 1,
    }
    users = [
        {"id": "u-er-revisore", "name": "Giulia Montanari",
         "roles": [{"role": "reviewer", "body": "er"}]},
        {"id": "u-pianura-est-editor", "name": "Stefano Benassi",
         "roles": [{"role": "editor", "body": "dist-pianura-est"}]},
    ]
    return bundle(bodies=bodies, taxonomies=[ZONE_TAXONOMY], plans=[zone_plan, impl_plan],
                  indicators=ZONE_INDICATORS,
                  statistics=statistics, users=users)


# =========================================================================== (c) digital agenda

AGID_TAXONOMY = {
    "id": "piano-triennale-agid",
    "version": "2021-2023",
    "label": "Componenti del Piano triennale per l'informatica nella Pubblica Amministrazione",
    "nodes": [
        {"code": "SERVIZI", "label": "Servizi"},
        {"code": "DATI", "label": "Dati"},
        {"code": "PIATTAFORME", "label": "Piattaforme"},
        {"code": "INFRASTRUTTURE", "label": "Infrastrutture"},
        {"code": "INTEROPERABILITA", "label": "Interoperabilità"},
        {"code": "SICUREZZA", "label": "Sicurezza informatica"},
    ],
}

PRATO_OBJECTIVES = [
    ("semplificazione", "Semplificazione",
     "Migliorare e snellire le procedure, facilitare gli accessi e avvicinare i servizi digitali "
     "a tutti, anche alle persone meno esperte."),
    ("promozione", "Promozione",
     "Far conoscere i servizi digitali esistenti a tutte le tipologie di utenti, attraverso i "
     "diversi canali disponibili."),
    ("competenze", "Competenze",
     "Fornire a cittadini e personale comunale le competenze per usare al meglio e in sicurezza "
     "i servizi digitali."),
    ("nuovi-servizi", "Nuovi servizi",
     "Rispondere ai bisogni di cittadini e imprese con nuovi servizi digitali efficienti, "
     "semplici e inclusivi."),
    ("governance", "Governance",
     "Una gestione collaborativa tra settori dell'Amministrazione e fornitori di servizi pubblici "
     "per condividere dati e buone pratiche."),
    ("infrastrutture", "Infrastrutture e piattaforme trasversali",
     "Aggiornare infrastrutture ICT e piattaforme abilitanti, anche con gli strumenti di "
     "programmazione regionale e nazionale."),
]

ASS_DIG = "Assessorato all'Agenda digitale e all'innovazione"
PIAZZA_COMUNE = (43.880786, 11.096584)

# id, horizon, title, description, objective, categories, responsible, partners,
# budget {year: [(source, planned)]}, targets [(metric, unit, baseline, target, actual)],
# start, end, status, progress [(date, completion)], depends_on, location, tags
PRATO_SHEETS = [
    ("ad01", "ongoing", "Firma grafometrica agli sportelli",
     "Dotazione degli sportelli al pubblico di tavolette per la firma grafometrica, per "
     "eliminare la stampa e l'archiviazione cartacea delle istanze presentate allo sportello.",
     "semplificazione", [], ASS_DIG, [],
     {2021: [("municipal", 18000)]},
     [("sportelli dotati di firma grafometrica", "sportelli", 0, 25, 25)],
     "2021-01-11", "2021-12-20", "completed", [("2021-06-30", 60), ("2021-12-31", 100)],
     [], None, ["sportelli", "dematerializzazione"]),
    ("ad02", "ongoing", "Integrazione di pagoPA nei servizi di pagamento comunali",
     "Piano per l'integrazione del sistema pagoPA in tutti i servizi di pagamento del Comune: "
     "mense, trasporti, tributi minori, sanzioni e diritti di segreteria.",
     "infrastrutture", ["piano-triennale-agid:PIATTAFORME"], ASS_DIG,
     [("PagoPA S.p.A.", "adesione")],
     {2021: [("municipal", 45000), ("state", 30000)], 2022: [("municipal", 25000)]},
     [("servizi di pagamento integrati con pagoPA", "servizi", 12, 40, 41),
      ("quota dei pagamenti incassati tramite pagoPA", "percentuale", 35, 90, 88)],
     "2021-01-01", "2022-12-31", "completed",
     [("2021-12-31", 55), ("2022-06-30", 80), ("2022-12-31", 100)], [], None, ["pagoPA", "pagamenti"]),
    ("ad03", "ongoing", "Sviluppo delle competenze digitali interne all'Amministrazione",
     "Percorsi formativi per il personale comunale su strumenti collaborativi, sicurezza "
     "informatica, accessibilità e gestione documentale, anche tramite la piattaforma Syllabus.",
     "competenze", [], "Assessorato al personale e all'organizzazione",
     [("PIN – Polo universitario Città di Prato", "supporto formativo")],
     {2021: [("municipal", 20000)], 2022: [("municipal", 20000)], 2023: [("municipal", 15000)]},
     [("dipendenti formati", "persone", 120, 600, 455)],
     "2021-02-01", "2023-12-31", "in_progress",
     [("2021-12-31", 30), ("2022-12-31", 65), ("2023-06-30", 80)], [], None, ["formazione"]),
    ("ad04", "ongoing", "Miglioramento della sicurezza delle infrastrutture ICT",
     "Vulnerability assessment dei sistemi, nuovo firewall perimetrale, autenticazione a più "
     "fattori per gli accessi remoti e piano di continuità operativa.",
     "infrastrutture", ["piano-triennale-agid:SICUREZZA"], ASS_DIG, [],
     {2021: [("municipal", 60000)], 2022: [("municipal", 30000), ("state", 50000)],
      2023: [("municipal", 40000)]},
     [("sistemi sottoposti a vulnerability assessment", "sistemi", 0, 30, 22)],
     "2021-01-01", "2023-12-31", "in_progress",
     [("2021-12-31", 25), ("2022-12-31", 60), ("2023-06-30", 70)], [], None, ["sicurezza"]),
    ("ad05", "ongoing", "Attivazione degli sportelli per il rilascio dell'identità digitale SPID",
     "Sportelli comunali e gazebo infopoint all'aperto, senza appuntamento, per il rilascio "
     "gratuito delle credenziali SPID e l'accompagnamento all'uso dei servizi online.",
     "promozione", [], ASS_DIG, [("Regione Toscana", "accordo")],
     {2021: [("municipal", 8000)], 2022: [("municipal", 6000)]},
     [("identità SPID rilasciate", "numero", 0, 5000, 5630)],
     "2021-03-01", "2022-12-31", "completed",
     [("2021-12-31", 70), ("2022-12-31", 100)], [], {"lat": PIAZZA_COMUNE[0], "lon": PIAZZA_COMUNE[1]},
     ["SPID", "infopoint"]),
    ("ad06", "ongoing", "Servizio di prenotazione delle postazioni in biblioteca",
     "Prenotazione online delle postazioni di studio della Biblioteca Lazzerini, con accesso "
     "tramite SPID e conferma via e-mail.",
     "nuovi-servizi", [], "Assessorato alla cultura", [("Biblioteca comunale Lazzerini", "gestione")],
     {2021: [("municipal", 6000)]},
     [("prenotazioni online", "numero", 0, 10000, 14200)],
     "2021-01-15", "2021-06-30", "completed", [("2021-03-31", 60), ("2021-06-30", 100)],
     [], {"lat": 43.874528, "lon": 11.099170}, ["biblioteca", "prenotazioni"]),
    ("ad07", "scheduled", "Gestione telematica delle pratiche di variante urbanistica",
     "Presentazione, istruttoria e pubblicazione online delle varianti urbanistiche, con "
     "consultazione delle osservazioni su mappa.",
     "semplificazione", [], "Assessorato all'urbanistica", [],
     {2021: [("municipal", 20000)], 2022: [("municipal", 30000)]},
     [("pratiche di variante gestite online", "percentuale", 0, 100, 75)],
     "2021-09-01", "2023-06-30", "in_progress",
     [("2021-12-31", 15), ("2022-12-31", 60), ("2023-06-30", 75)], [], None, ["urbanistica"]),
    ("ad08", "scheduled", "Piattaforma CRM, nuova messaggistica e sperimentazione di App IO",
     "Adozione di una piattaforma CRM per le comunicazioni ai cittadini e pubblicazione dei "
     "servizi comunali su App IO (avvisi di pagamento, scadenze, documenti).",
     "nuovi-servizi", ["piano-triennale-agid:PIATTAFORME"], ASS_DIG,
     [("PagoPA S.p.A.", "adesione")],
     {2022: [("state", 40000), ("municipal", 15000)], 2023: [("municipal", 10000)]},
     [("servizi comunali disponibili su App IO", "servizi", 0, 25, 19)],
     "2022-01-10", "2023-12-31", "in_progress",
     [("2022-06-30", 30), ("2022-12-31", 65), ("2023-06-30", 80)], ["ad02"], None,
     ["App IO", "messaggistica"]),
    ("ad09", "scheduled", "Introduzione della modellazione BIM nella progettazione",
     "Adozione della metodologia BIM per la progettazione delle opere pubbliche, con formazione "
     "dei tecnici e acquisizione delle licenze software.",
     "governance", [], "Assessorato ai lavori pubblici", [],
     {2022: [("municipal", 50000)], 2023: [("municipal", 30000)]},
     [("progetti di opere pubbliche redatti in BIM", "progetti", 0, 3, 1)],
     "2022-03-01", "2023-12-31", "in_progress", [("2022-12-31", 35), ("2023-06-30", 50)],
     [], None, ["BIM", "lavori pubblici"]),
    ("ad10", "scheduled", "Digitalizzazione delle integrazioni alle pratiche edilizie e SUAP",
     "Invio online delle integrazioni documentali alle pratiche edilizie e dello Sportello "
     "unico per le attività produttive, con notifiche di stato al richiedente.",
     "semplificazione", [], "Assessorato all'urbanistica", [],
     {2022: [("municipal", 25000)]},
     [("integrazioni documentali ricevute online", "percentuale", 20, 100, 100)],
     "2022-01-01", "2022-10-31", "completed", [("2022-06-30", 60), ("2022-10-31", 100)],
     [], None, ["edilizia", "SUAP"]),
    ("ad11", "scheduled", "Sistema Informativo del Verde",
     "Censimento georeferenziato del patrimonio arboreo e gestione digitale degli interventi di "
     "manutenzione del verde pubblico.",
     "nuovi-servizi", ["piano-triennale-agid:DATI"], "Assessorato all'ambiente",
     [("PIN – Polo universitario Città di Prato", "supporto tecnico-scientifico")],
     {2022: [("eu", 35000)], 2023: [("municipal", 15000)]},
     [("alberi censiti nel sistema", "numero", 0, 30000, 18500)],
     "2022-04-01", "2023-12-31", "in_progress", [("2022-12-31", 40), ("2023-06-30", 60)],
     [], None, ["verde pubblico", "GIS"]),
    ("ad12", "short_term", "Piattaforma digitale per la partecipazione dei cittadini",
     "Piattaforma per percorsi partecipativi, consultazioni, dibattiti e incontri, presentata "
     "a fine settembre 2021.",
     "governance", [], ASS_DIG, [],
     {2021: [("municipal", 15000)], 2022: [("municipal", 5000)]},
     [("percorsi partecipativi online", "numero", 0, 5, 6)],
     "2021-04-01", "2022-03-31", "completed", [("2021-09-30", 80), ("2022-03-31", 100)],
     [], None, ["partecipazione"]),
    ("ad13", "short_term", "Aggiornamento della piattaforma di autenticazione (SPID e CIE)",
     "Nuova piattaforma di autenticazione federata con SPID, CIE ed eIDAS per tutti i servizi "
     "online del Comune.",
     "infrastrutture", ["piano-triennale-agid:PIATTAFORME"], ASS_DIG, [],
     {2021: [("municipal", 20000)], 2022: [("state", 15000)]},
     [("servizi online accessibili con SPID e CIE", "percentuale", 60, 100, 100),
      ("servizi online attivi", "servizi", 48, 90, 83)],
     "2021-06-01", "2022-09-30", "completed", [("2021-12-31", 45), ("2022-09-30", 100)],
     [], None, ["SPID", "CIE"]),
    ("ad14", "short_term", "Cambio di residenza online",
     "Presentazione online della dichiarazione di residenza e di cambio di abitazione tramite "
     "l'Anagrafe nazionale (ANPR), con pagamento dei diritti via pagoPA.",
     "nuovi-servizi", [], "Assessorato ai servizi demografici", [],
     {2022: [("municipal", 12000)]},
     [("dichiarazioni di residenza presentate online", "percentuale", 0, 40, 27)],
     "2022-02-01", "2023-06-30", "in_progress", [("2022-12-31", 55), ("2023-06-30", 85)],
     ["ad13"], None, ["anagrafe", "ANPR"]),
    ("ad15", "short_term", "Call center unico, segnalazioni e sistema di ticketing",
     "Numero unico per le informazioni sui servizi comunali e gestione a ticket delle "
     "segnalazioni dei cittadini, con app per la reportistica sul campo.",
     "semplificazione", [], ASS_DIG, [],
     {2022: [("municipal", 60000)], 2023: [("municipal", 40000)]},
     [("segnalazioni gestite tramite ticketing", "numero", 0, 8000, 5200)],
     "2022-01-01", "2023-12-31", "in_progress", [("2022-12-31", 50), ("2023-06-30", 65)],
     [], None, ["segnalazioni", "contact center"]),
    ("ad16", "short_term", "Promozione dei servizi digitali e delle competenze digitali dei cittadini",
     "Punti di facilitazione digitale nelle biblioteche e nei centri civici, campagne "
     "informative e corsi di base per anziani e cittadini stranieri.",
     "competenze", [], ASS_DIG,
     [("Regione Toscana", "cofinanziamento"), ("Biblioteche comunali", "sede dei punti di facilitazione")],
     {2022: [("regional", 30000), ("municipal", 10000)], 2023: [("regional", 30000)]},
     [("cittadini assistiti nei punti di facilitazione", "persone", 0, 3000, 1750)],
     "2022-03-01", "2023-12-31", "in_progress", [("2022-12-31", 40), ("2023-06-30", 60)],
     [], None, ["facilitazione digitale", "inclusione"]),
    ("ad17", "long_term", "Informatizzazione delle attività delle commissioni consiliari",
     "Convocazioni, ordini del giorno, verbali e votazioni delle commissioni consiliari gestiti "
     "su una piattaforma digitale integrata con il sistema documentale.",
     "governance", [], "Presidenza del Consiglio comunale", [],
     {2023: [("municipal", 20000)]},
     [("commissioni consiliari informatizzate", "commissioni", 0, 7)],
     "2023-03-01", "2023-12-31", "planned", [], [], None, ["consiglio comunale"]),
    ("ad18", "long_term", "Piattaforma di Data Analytics",
     "Piattaforma per l'integrazione e l'analisi dei dati comunali a supporto delle decisioni e "
     "la pubblicazione di dataset aperti.",
     "governance", ["piano-triennale-agid:DATI"], ASS_DIG,
     [("PIN – Polo universitario Città di Prato", "supporto tecnico-scientifico")],
     {2022: [("municipal", 30000)], 2023: [("eu", 70000)]},
     [("dataset pubblicati come open data", "dataset", 40, 120, 64)],
     "2022-06-01", "2023-12-31", "in_progress", [("2022-12-31", 20), ("2023-06-30", 35)],
     [], None, ["open data", "analisi dei dati"]),
    ("ad19", "long_term", "Riprogettazione dell'applicativo di gestione dei servizi scolastici",
     "Nuovo applicativo per iscrizioni, tariffe, presenze in mensa e trasporto scolastico, con "
     "app per le famiglie.",
     "nuovi-servizi", [], "Assessorato alla pubblica istruzione", [],
     {2023: [("municipal", 90000)]},
     [("iscrizioni ai servizi scolastici presentate online", "percentuale", 70, 100)],
     "2023-09-01", "2023-12-31", "planned", [], ["ad02"], None, ["scuola", "mensa"]),
    ("ad20", "long_term", "Nuove architetture per l'interoperabilità",
     "Esposizione dei servizi comunali tramite API sulla Piattaforma Digitale Nazionale Dati, "
     "secondo le linee guida del nuovo Piano triennale.",
     "infrastrutture", ["piano-triennale-agid:INTEROPERABILITA"], ASS_DIG, [],
     {2023: [("state", 60000)]},
     [("API pubblicate sul catalogo PDND", "API", 0, 10)],
     "2023-04-01", "2023-12-31", "planned", [], [], None, ["interoperabilità", "PDND"]),
]


def gen_digital_agenda():
    rng = random.Random(SEED + 3)
    bodies = [
        {"id": "toscana", "kind": "region", "name": "Regione Toscana", "parents": [],
         "location": loc(43.7792, 11.2463)},
        {"id": "provincia-prato", "kind": "province", "name": "Provincia di Prato",
         "parents": [{"id": "toscana"}], "location": loc(43.8777, 11.1022),
         "attributes": {"sigla": "PO"}},
        municipality("100005", "Prato", 43.8808, 11.0966, [{"id": "provincia-prato"}],
                     provincia="PO", sito_agenda_digitale="www.pratodigitalcity.it"),
    ]
    statistics = []
    for year, pop in ((2020, 195736), (2021, 195213), (2022, 194590), (2023, 195089)):
        statistics.append({"variable": "population", "body": "100005", "year": year, "value": pop})
    actions = []
    for (sid, horizon, title, desc, obj, cats, resp, partners, budget, targets, start, end,
         status, progress, deps, where, tags) in PRATO_SHEETS:
        a = {"id": sid, "title": title, "description": desc, "categories": cats,
             "objective": obj, "status": status, "horizon": horizon, "start": start, "end": end,
             "responsible": resp}
        if partners:
            a["partners"] = [{"name": n, "kind": k} for n, k in partners]
        a["budget"] = []
        for year in sorted(budget):
            for source, planned in budget[year]:
                line = {"year": year, "source": source, "planned": money(planned)}
                if status != "planned" and (year < 2023 or status == "completed"):
                    line["actual"] = money(planned * rng.uniform(0.86, 1.0))
                a["budget"].append(line)
        a["targets"] = []
        for t in targets:
            tgt = {"metric": t[0], "unit": t[1], "baseline": t[2], "target": t[3]}
            if len(t) > 4:
                tgt["actual"] = t[4]
            a["targets"].append(tgt)
        if progress:
            a["progress"] = []
            for i, (day, completion) in enumerate(progress):
                entry = {"date": day, "completion": completion}
                if i == len(progress) - 1:
                    entry["note"] = ("Scheda conclusa." if completion == 100 else
                                     "Stato di avanzamento al %s." % itdate(day))
                a["progress"].append(entry)
        if deps:
            a["depends_on"] = deps
        if where:
            a["location"] = where
        a["tags"] = tags
        actions.append(a)
    plan = {
        "id": "ad-prato-2021-2023", "kind": "digital_agenda", "body": "100005",
        "title": "Prato Digitale – Agenda digitale del Comune di Prato 2021-2023",
        "period": {"from": 2021, "to": 2023}, "status": "approved", "variant": "original",
        "approval": {"date": "2021-09-14",
                     "act": "Delibera di Giunta comunale n. 318 del 14/09/2021"},
        "objectives": [{"id": i, "title": t, "description": d} for i, t, d in PRATO_OBJECTIVES],
        "actions": actions,
        "evaluation": {"date": "2023-07-20",
                       "text": "Monitoraggio al 30/06/2023: %d schede concluse, %d in corso e %d "
                               "da avviare; i servizi online attivi sono passati da 48 a 83."
                               % (sum(a["status"] == "completed" for a in actions),
                                  sum(a["status"] == "in_progress" for a in actions),
                                  sum(a["status"] == "planned" for a in actions))},
        "revision": 1,
    }
    users = [
        {"id": "u-prato-editor", "name": "Francesca Bartolini",
         "roles": [{"role": "editor", "body": "100005"}]},
        {"id": "u-toscana-viewer", "name": "Andrea Lucchesi",
         "roles": [{"role": "viewer", "body": "toscana"}]},
    ]
    return bundle(bodies=bodies, taxonomies=[AGID_TAXONOMY], plans=[plan],
                  indicators=DIGITAL_INDICATORS,
                  statistics=statistics, users=users)


# =========================================================================== (d) social cases

SOCIAL_TAXONOMY = {
    "id": "servizi-sociali",
    "version": "2019",
    "label": "Servizi sociali comunali – Federazione dei Comuni del Camposampierese",
    "nodes": [
        {"code": "minori", "label": "Area minori e famiglia"},
        {"code": "minori.tutela", "label": "Tutela minori", "parents": ["minori"]},
        {"code": "minori.affido", "label": "Affido familiare", "parents": ["minori"]},
        {"code": "minori.educativa", "label": "Educativa domiciliare", "parents": ["minori"]},
        {"code": "anziani", "label": "Area anziani"},
        {"code": "anziani.sad", "label": "Servizio di assistenza domiciliare",
         "parents": ["anziani"]},
        {"code": "anziani.pasti", "label": "Pasti a domicilio", "parents": ["anziani"]},
        {"code": "anziani.telesoccorso", "label": "Telesoccorso e telecontrollo",
         "parents": ["anziani"]},
        {"code": "disabili", "label": "Area disabilità"},
        {"code": "disabili.integrazione-scolastica", "label": "Integrazione scolastica",
         "parents": ["disabili"]},
        {"code": "disabili.centri-diurni", "label": "Centri diurni", "parents": ["disabili"]},
        {"code": "disabili.trasporto", "label": "Trasporto sociale",
         "parents": ["disabili", "anziani"],
         "description": "Accompagnamento a visite e terapie per persone con disabilità e anziani."},
        {"code": "adulti", "label": "Area adulti e inclusione sociale"},
        {"code": "adulti.contributi", "label": "Contributi economici", "parents": ["adulti"]},
        {"code": "adulti.inserimento-lavorativo", "label": "Inserimento lavorativo",
         "parents": ["adulti"]},
        {"code": "adulti.emergenza-abitativa", "label": "Emergenza abitativa",
         "parents": ["adulti"]},
    ],
}

VENETO = [
    # code, name, lat, lon, population 2019
    ("028017", "Campodarsego", 45.4990, 11.9107, 14690),
    ("028093", "Trebaseleghe", 45.5880, 12.0450, 12900),
    ("028019", "Camposampiero", 45.5697, 11.9339, 12060),
    ("028064", "Piombino Dese", 45.6070, 12.0000, 9510),
    ("028013", "Borgoricco", 45.5330, 11.9430, 8900),
    ("028046", "Loreggia", 45.5950, 11.9450, 7590),
]


def gen_social_cases():
    rng = random.Random(SEED + 4)
    bodies = [
        {"id": "veneto", "kind": "region", "name": "Regione del Veneto", "parents": [],
         "location": loc(45.4373, 12.3329)},
        {"id": "provincia-padova", "kind": "province", "name": "Provincia di Padova",
         "parents": [{"id": "veneto"}], "location": loc(45.4064, 11.8768),
         "attributes": {"sigla": "PD"}},
        {"id": "federazione-camposampierese", "kind": "union",
         "name": "Federazione dei Comuni del Camposampierese", "parents": [],
         "location": loc(45.5697, 11.9339),
         "attributes": {"forma": "Unione di comuni", "ambito_sociale": "Alta Padovana – ULSS 6 "
                                                                       "Euganea"}},
    ]
    statistics = []
    for code, name, lat, lon, pop in VENETO:
        bodies.append(municipality(code, name, lat, lon,
                                   [{"id": "provincia-padova"},
                                    {"id": "federazione-camposampierese", "from": 2011}],
                                   provincia="PD"))
        share65 = rng.uniform(0.18, 0.22)
        for year, drift in ((2019, 0.0), (2020, rng.uniform(-0.004, 0.004)),
                            (2021, rng.uniform(-0.006, 0.004)), (2022, rng.uniform(-0.007, 0.005))):
            p = int(round(pop * (1 + drift)))
            statistics.append({"variable": "population", "body": code, "year": year, "value": p})
            statistics.append({"variable": "population_65_plus", "body": code, "year": year,
                               "value": int(round(p * (share65 + 0.004 * (year - 2019))))})

    services = {
        "minori": ["minori.tutela", "minori.affido", "minori.educativa"],
        "anziani": ["anziani.sad", "anziani.pasti", "anziani.telesoccorso", "disabili.trasporto"],
        "disabili": ["disabili.integrazione-scolastica", "disabili.centri-diurni",
                     "disabili.trasporto"],
        "adulti": ["adulti.contributi", "adulti.inserimento-lavorativo",
                   "adulti.emergenza-abitativa", "adulti"],
    }
    weights = [code_pop[4] for code_pop in VENETO]
    raw = []
    subject_numbers = rng.sample(range(1000, 99999), 44)
    for n in subject_numbers:
        subject = "S-%06d" % n
        body = rng.choices([v[0] for v in VENETO], weights)[0]
        area = rng.choices(list(services), [22, 38, 18, 22])[0]
        k = rng.choices([1, 2, 3], [70, 22, 8])[0]
        opened = rand_date(rng, "2019-01-07", "2022-09-30")
        for service in rng.sample(services[area], min(k, len(services[area]))):
            closed = None
            duration = rng.randint(30, 720)
            if rng.random() < 0.6 and add_days(opened, duration) <= "2022-12-31":
                closed = add_days(opened, duration)
            raw.append((opened, subject, body, service, closed))
            opened = add_days(opened, rng.randint(15, 300))
            if opened > "2022-12-15":
                break
    raw.sort()
    cases, seq = [], {}
    for opened, subject, body, service, closed in raw:
        year = int(opened[:4])
        seq[year] = seq.get(year, 0) + 1
        case = {"id": "fcc-%d-%04d" % (year, seq[year]), "subject": subject, "body": body,
                "service": "servizi-sociali:%s" % service, "opened": opened}
        if closed:
            case["closed"] = closed
        cases.append(case)
    users = [
        {"id": "u-fcc-assistente", "name": "Roberta Zanon",
         "roles": [{"role": "editor", "body": "federazione-camposampierese"}]},
        {"id": "u-fcc-direzione", "name": "Marco Bertolin",
         "roles": [{"role": "viewer", "body": "federazione-camposampierese"},
                   {"role": "admin", "body": "federazione-camposampierese"}]},
    ]
    return bundle(bodies=bodies, taxonomies=[SOCIAL_TAXONOMY], statistics=statistics,
                  indicators=SOCIAL_INDICATORS,
                  cases=cases, users=users)


# =========================================================================== (e) union ledger

VALDERA = [
    # code, name, lat, lon, population 2012, population 2016, per-capita fees (mensa, trasporto, nido)
    ("050029", "Pontedera", 43.6626, 10.6320, 28530, 29360, (41.0, 7.5, 24.0)),
    ("050028", "Ponsacco", 43.6220, 10.6300, 15310, 15590, (39.0, 8.5, 21.0)),
    ("050004", "Calcinaia", 43.6840, 10.6160, 11840, 12330, (43.0, 9.0, 23.0)),
    ("050001", "Bientina", 43.7110, 10.6210, 7930, 8420, (40.0, 10.5, 19.0)),
    ("050005", "Capannoli", 43.5870, 10.6720, 6220, 6310, (38.0, 12.0, 18.0)),
    ("050024", "Palaia", 43.6060, 10.7700, 4610, 4560, (36.0, 14.0, 15.0)),
]

COLLECTION_RATE = {2012: 0.69, 2013: 0.745, 2014: 0.80, 2015: 0.86, 2016: 0.91}


def gen_union_ledger():
    rng = random.Random(SEED + 5)
    bodies = [
        {"id": "provincia-pisa", "kind": "province", "name": "Provincia di Pisa", "parents": [],
         "location": loc(43.7167, 10.4017), "attributes": {"sigla": "PI"}},
        {"id": "unione-valdera", "kind": "union", "name": "Unione Valdera",
         "parents": [{"id": "provincia-pisa"}], "location": loc(43.6631, 10.6339),
         "attributes": {"sede": "Via Brigate Partigiane, 4 – Pontedera",
                        "anno_costituzione": 2008}},
    ]
    statistics, ledger = [], []
    for code, name, lat, lon, p12, p16, fees in VALDERA:
        bodies.append(municipality(code, name, lat, lon,
                                   [{"id": "provincia-pisa"},
                                    {"id": "unione-valdera", "from": 2008}],
                                   provincia="PI"))
        for year in range(2012, 2017):
            pop = int(round(p12 + (p16 - p12) * (year - 2012) / 4.0 + rng.randint(-25, 25)))
            statistics.append({"variable": "population", "body": code, "year": year, "value": pop})
            for service, per_capita in zip(("mensa", "trasporto_scolastico", "nido"), fees):
                charged = pop * per_capita * (1 + 0.015 * (year - 2012)) * rng.uniform(0.96, 1.04)
                rate = min(0.985, COLLECTION_RATE[year] + rng.uniform(-0.02, 0.02))
                ledger.append({"body": code, "service": service, "year": year,
                               "charged": money(charged), "collected": money(charged * rate)})
    users = [
        {"id": "u-valdera-editor", "name": "Simona Taddei",
         "roles": [{"role": "editor", "body": "unione-valdera"}]},
        {"id": "u-pontedera-viewer", "name": "Daniele Nardi",
         "roles": [{"role": "viewer", "body": "050029"}]},
    ]
    return bundle(bodies=bodies, statistics=statistics, ledger=ledger, users=users,
                  indicators=LEDGER_INDICATORS)


def main():
    write("family.json", gen_family())
    write("zone.json", gen_zone())
    write("digital_agenda.json", gen_digital_agenda())
    write("social_cases.json", gen_social_cases())
    write("union_ledger.json", gen_union_ledger())


if __name__ == "__main__":
    main()
