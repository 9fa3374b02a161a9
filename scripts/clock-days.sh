#!/usr/bin/env bash
# A day to move the machine clock to for `make test-clock`: each run takes the next of these
# edge days (by the real day of the year), so CI tries them all over a week. Each starts two
# minutes before midnight, so the clock also crosses into the next day during the run.
days=(
  "2027-02-28 23:58:00"   # the day before 1 March in a common year
  "2028-02-29 23:58:00"   # a leap day
  "2028-12-31 23:58:00"   # a leap year's end
  "2029-12-31 23:58:00"   # a year's end
  "2030-06-30 23:58:00"   # the middle of the last year the suite must pass in
  "2026-12-31 23:58:00"   # the end of the current year
  "2027-10-07 23:58:00"   # the last day of the National Day holiday
)
echo "${days[$((10#$(date +%j) % ${#days[@]}))]}"
