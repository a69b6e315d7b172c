"""Wire and file formats in and out of Bastion (exchange files, ASTERIX, SAPIENT, ...)."""
