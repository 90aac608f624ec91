"""What the Python benches share: fit chorus on a work directory's votes, predict the
same items and score them against its gold (a crowd set is fitted and scored on all its
items)."""
import json
import os
import subprocess


def fit_and_score(chorus, work, args):
    """Accuracy x 100 of `chorus fit WORK/votes.csv ARGS` on WORK/gold.csv, and the model
    the fit chose."""
    votes, gold = os.path.join(work, "votes.csv"), os.path.join(work, "gold.csv")
    fitted, probs = os.path.join(work, "m.json"), os.path.join(work, "p.csv")
    subprocess.run([chorus, "fit", votes, "-o", fitted, "-q"] + list(args), check=True,
                   stderr=subprocess.DEVNULL)
    subprocess.run([chorus, "predict", fitted, votes, "-o", probs, "-q"], check=True)
    out = subprocess.run([chorus, "eval", probs, gold, "--json"], check=True,
                         capture_output=True, text=True).stdout
    with open(fitted) as f:
        chosen = json.load(f)["model"]
    return 100 * json.loads(out)["accuracy"], chosen
