"""The simulated card reader of kiosks and counters (đầu đọc thẻ căn cước gắn chip): one more way the
provider's synthetic identity cards are used, beside the phone app.

A relying party's kiosk or counter software opens a reader over HTTP and drives it as it would drive an
NFC reader: it waits for a card, reads its files (ICAO 9303 LDS, application ``A0000002471001``), runs
Active Authentication (INTERNAL AUTHENTICATE) and takes a photo with the reader's camera. The card is
put on the reader on the reader's page (an operator "taps" a card and types its access key, ICAO 9303
Part 11 Basic Access Control's MRZ information) or by a test suite's scripted tap; both use
:mod:`idp.card_reader.reader`. The page's screens are :mod:`idp.card_reader.screens`.
"""
