"""The simulated VNeID phone app (ứng dụng VNeID): one more way to finish an interaction.

A level-2 account's app is bound to a device whose ES256 key signs every approval
(:mod:`idp.phone.devices`, :mod:`idp.phone.approvals`); approving with the passcode and the simulated
face match finishes the interaction at ``LoA4`` (``amr`` ``hwk pin face mfa``) and is its consent step
too. The pages at ``/phone`` (:mod:`idp.phone.pages`) and the test kit's scripted phone use the same
functions.
"""
