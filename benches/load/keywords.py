"""Writes a Semrush-style export of N keywords (the same generator as benches/src/lib.rs)."""
import sys

HEADS = ["faucet", "sink", "shower", "toilet", "bathtub", "tile", "grout", "cabinet", "countertop", "backsplash",
         "dishwasher", "oven", "fridge", "microwave", "blender", "kettle", "toaster", "coffee maker", "espresso machine",
         "grinder", "knife", "cutting board", "pan", "skillet", "wok", "pot", "dutch oven", "mixer", "scale", "thermometer",
         "hose", "sprinkler", "lawn mower", "trimmer", "leaf blower", "shovel", "rake", "wheelbarrow", "planter", "compost bin",
         "drill", "saw", "hammer", "screwdriver", "wrench", "ladder", "paint", "brush", "roller", "sander"]
MODS = ["best", "cheap", "stainless steel", "black", "white", "small", "large", "portable", "electric", "cordless",
        "commercial", "outdoor", "indoor", "modern", "vintage", "smart", "quiet", "heavy duty", "compact", "professional"]
TAILS = ["", "for sale", "reviews", "near me", "replacement", "parts", "repair", "installation", "how to clean", "vs",
         "price", "brands", "under 100", "for beginners", "2025", "with warranty", "set", "kit", "ideas", "guide"]
INTENTS = ["Informational", "Commercial", "Transactional", "Navigational"]


def keyword(i):
    k = f"{MODS[(i // 50) % 20]} {HEADS[i % 50]}"
    tail = TAILS[(i // 1000) % 20]
    if tail:
        k += " " + tail
    n = i // 20000
    if n:
        k += f" {n}"
    return k


n = int(sys.argv[1])
out = sys.stdout
out.write("Keyword,Intent,Volume,Keyword Difficulty,CPC (USD)\n")
for i in range(n):
    out.write(f"{keyword(i)},{INTENTS[i % 4]},{(i * 7919) % 100000},{(i * 31) % 101},{(i * 13) % 20}.{i % 100:02d}\n")
