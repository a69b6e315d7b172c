"""Pure physics shared by the simulated world and the assessment: the standard atmosphere
(``atmosphere``) and point-mass ballistics (``ballistic``). Nothing here imports the world or the chain."""
