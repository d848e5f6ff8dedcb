"""What goes in: answer scales, the constructs, the mapping, question definitions, prepare.

Everything between a read table and the analysed survey frame lives here.
"""
