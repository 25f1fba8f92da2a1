import { ApiProperty } from '@nestjs/swagger';
import { JWT_ALGORITHMS, JwtAlgorithm } from '../../config/jwt-keys';

const ASYMMETRIC = JWT_ALGORITHMS.filter((a) => a !== 'HS256');

/** One public key (RFC 7517). Members depend on the key type: OKP (Ed25519) has crv and x, EC has crv, x and y, RSA has n and e. */
export class JwkDto {
  @ApiProperty({ enum: ['OKP', 'EC', 'RSA'], example: 'OKP' })
  kty: string;
  @ApiProperty({ required: false, enum: ['Ed25519', 'P-256'], example: 'Ed25519' })
  crv?: string;
  @ApiProperty({ required: false, example: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' })
  x?: string;
  @ApiProperty({ required: false })
  y?: string;
  @ApiProperty({ required: false })
  n?: string;
  @ApiProperty({ required: false, example: 'AQAB' })
  e?: string;
  /** The key's RFC 7638 thumbprint (SHA-256); tokens name their key with it in the `kid` header. */
  @ApiProperty({ example: 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k' })
  kid: string;
  /** The one algorithm this key verifies. */
  @ApiProperty({ enum: ASYMMETRIC, example: 'EdDSA' })
  alg: JwtAlgorithm;
  @ApiProperty({ enum: ['sig'] })
  use: 'sig';
}

/** A JSON Web Key Set (RFC 7517): the public keys that verify our tokens, the signing key first. */
export class JwksDto {
  /** Empty with HS256, whose secret is never published. */
  @ApiProperty({ type: [JwkDto] })
  keys: JwkDto[];
}

/**
 * Where a resource server finds what it needs to verify our tokens. MediSync is not an OAuth 2.0
 * authorization server nor an OpenID provider, so this is its own document, not theirs.
 */
export class ServiceConfigurationDto {
  /** The `iss` of every token (JWT_ISSUER, default APP_URL). */
  @ApiProperty({ example: 'https://medisync.example.org' })
  issuer: string;
  /** The key set to verify tokens with. */
  @ApiProperty({ example: 'https://medisync.example.org/.well-known/jwks.json' })
  jwks_uri: string;
  /** The `aud` of every token (JWT_AUDIENCE), or null when tokens carry none. */
  @ApiProperty({ type: String, nullable: true, example: 'medisync' })
  audience: string | null;
  /** The algorithms a token of ours may be signed with now (the active key's, and any previous key's). */
  @ApiProperty({ enum: JWT_ALGORITHMS, isArray: true, example: ['EdDSA'] })
  token_signing_alg_values_supported: JwtAlgorithm[];
  /** The claims our tokens carry. */
  @ApiProperty({ example: ['iss', 'aud', 'sub', 'userId', 'role', 'jti', 'tv', 'iat', 'exp'] })
  claims_supported: string[];
  /**
   * Send the token here as a bearer (`GET`): 200 while it is valid and not revoked, 401 otherwise. A
   * signature check alone accepts a revoked token until it expires.
   */
  @ApiProperty({ example: 'https://medisync.example.org/api/users/me' })
  token_validation_endpoint: string;
  /** The API's documentation. */
  @ApiProperty({ example: 'https://medisync.example.org/docs' })
  service_documentation: string;
}
