"""Sample relying parties of vneid-mock: the shared library (:mod:`clients.rp`) and three apps (portal,
bank, hospital). They speak to the identity provider only over HTTP, as real relying parties do."""
