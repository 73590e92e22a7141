"""HR's view: collect a folder of signed confirmations into the register and see who is missing.

Nothing here is on the staff start-up path: the window and app.hr are imported when opened.
"""
