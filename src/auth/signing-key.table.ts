export interface SigningKeyTable {
  kid: string;
  alg: string;
  /** JSON private JWK. */
  private_jwk: string;
  /** JSON public JWK, served at /.well-known/jwks.json. */
  public_jwk: string;
  created_at: string;
  retired_at: string | null;
}
